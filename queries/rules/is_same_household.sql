-- Rule: is an address on a record (a delivery, a screening) this household of the register?
-- Rooms are stored as typed: the same building and the same room number read as an integer
-- ('0301' = '301', that is the same floor and the same last two digits); the unit must agree
-- only when both the register and the record give one.
-- Parameters: p_building, p_unit, p_room (the register's household), p_at_building,
--   p_at_unit, p_at_room (the record's address).
create or replace temp macro is_same_household(p_building, p_unit, p_room,
                                               p_at_building, p_at_unit, p_at_room) as
    p_at_building = p_building
    and try_cast(p_at_room as integer) = try_cast(p_room as integer)
    and (p_at_unit is null or p_unit is null or p_at_unit = p_unit);
