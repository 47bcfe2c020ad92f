-- Who did what, when, with which filters: logins, log-outs, imports, briefings, downloads.
-- Grain: one row per audit event, newest first.
-- Parameters: $path (the audit file), $events (empty list = all), $who ('' = anyone),
--   $date_from, $date_to (local dates), $limit, $compounds (the viewer's compounds; null = all:
--   an event of another compound is left out, one that names no compound, a sign-in, is kept).
with

events as (
    -- the file's line order breaks ties within a second
    select *, row_number() over () as line
    from read_json($path, format = 'newline_delimited', columns = {
        'logged_at': 'timestamp', 'who': 'varchar', 'event': 'varchar', 'what': 'varchar',
        'filters': 'json'})
),

chosen as (
    select *
    from events
    where (len($events::varchar[]) = 0 or list_contains($events::varchar[], event))
        and ($who = '' or who = $who)
        and logged_at >= $date_from::date
        and logged_at < $date_to::date + 1
        and ($compounds::varchar[] is null or filters->>'compound' is null
             or list_contains($compounds::varchar[], filters->>'compound'))
),

final as (
    select logged_at, who, event, what, filters::varchar as filters
    from chosen
    order by logged_at desc, line desc
    limit $limit
)

select * from final
