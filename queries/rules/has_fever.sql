-- Rule: is a screening a fever? Its highest temperature is at or above p_fever_c
-- (config.FEVER_C, 37.3 °C).
-- Parameters: p_max_temp_c (the screening's), p_fever_c.
create or replace temp macro has_fever(p_max_temp_c, p_fever_c) as
    p_max_temp_c >= p_fever_c;
