-- The street address of a health appointment's care place (issue 13): logistics staff book the
-- ride from the address and the commune, and are not shown the place's name, which often names
-- the kind of care (health data). Same column as migrations/postgres/0005_appointment_address.sql.

-- Street address of the care place (`12 rue de Famars`); null when the spreadsheet gives none.
alter table health_appointment add column address text;
