-- The referent in charge of a pathway at a date (breakdowns by referent) reads the pathway's
-- referent history by date; without this index each lookup scanned the whole history.
CREATE INDEX enrolment_referents_history ON enrolment_referents(enrolment_id, from_date);
