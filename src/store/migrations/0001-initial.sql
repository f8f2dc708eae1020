-- 0001: photos by content hash, analyses by (sha256, analysis version), versioned submissions, results, tokens.

-- A stored photo: the bytes live in <data>/photos/<aa>/<sha256>, once, whoever uploaded them.
CREATE TABLE photos (
  sha256      TEXT PRIMARY KEY,
  bytes       INTEGER NOT NULL,
  stored_at   TEXT NOT NULL
);

-- The expensive part, once per content and analysis version.
--   done:   analysis holds the Analysis JSON
--   error:  the photo itself is bad (not an image, damaged): error holds { code, message }; never retried
--   failed: an infrastructure failure outlived its retries: error holds the reason; queued again on the next submission
CREATE TABLE analyses (
  sha256       TEXT NOT NULL REFERENCES photos(sha256),
  version      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('done', 'error', 'failed')),
  analysis     TEXT,
  error        TEXT,
  worker       TEXT,
  duration_ms  INTEGER,
  analysed_at  TEXT NOT NULL,
  PRIMARY KEY (sha256, version)
);

-- One version of a unit's photos for one activity. Version 1 is the first submission; each resubmission adds one.
CREATE TABLE submissions (
  id                INTEGER PRIMARY KEY,
  unit              TEXT NOT NULL,
  activity          TEXT NOT NULL,
  version           INTEGER NOT NULL,
  campaign_id       TEXT NOT NULL,
  analysis_version  TEXT NOT NULL,
  submitted_at      TEXT NOT NULL,
  late              INTEGER NOT NULL,
  token_id          INTEGER REFERENCES tokens(id),
  UNIQUE (campaign_id, unit, activity, version)
);

-- Every photo of a version (not only the uploaded ones): change says how it differs from the previous version.
CREATE TABLE submission_photos (
  submission_id  INTEGER NOT NULL REFERENCES submissions(id),
  file           TEXT NOT NULL,
  sha256         TEXT NOT NULL REFERENCES photos(sha256),
  change         TEXT NOT NULL CHECK (change IN ('added', 'replaced', 'unchanged')),
  PRIMARY KEY (submission_id, file)
);
CREATE INDEX submission_photos_sha ON submission_photos(sha256);

-- Verdicts: the rules applied to an analysis for one submission under one campaign version (cheap, re-made when thresholds change).
CREATE TABLE results (
  submission_id     INTEGER NOT NULL REFERENCES submissions(id),
  file              TEXT NOT NULL,
  campaign_version  TEXT NOT NULL,
  verdict           TEXT NOT NULL,
  result            TEXT NOT NULL,
  judged_at         TEXT NOT NULL,
  PRIMARY KEY (submission_id, file, campaign_version)
);

-- API tokens: only the sha256 of the token is kept. role unit has a unit; role collector sees every unit.
CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('unit', 'collector')),
  unit        TEXT,
  label       TEXT,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT,
  CHECK ((role = 'unit') = (unit IS NOT NULL))
);
