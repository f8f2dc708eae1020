-- 0002: reviewers' decisions, per photo of a submission. They override the automatic verdict in reports (which keep it).
-- sha256 is the content that was reviewed: a new version carries a review forward only for the same file with the
-- same content (another picture under the same name was not reviewed).
CREATE TABLE reviews (
  submission_id  INTEGER NOT NULL,
  file           TEXT NOT NULL,
  sha256         TEXT NOT NULL,
  decision       TEXT NOT NULL CHECK (decision IN ('pass', 'fail')),
  note           TEXT NOT NULL,
  reviewer       TEXT NOT NULL,
  token_id       INTEGER REFERENCES tokens(id),
  reviewed_at    TEXT NOT NULL,
  PRIMARY KEY (submission_id, file),
  FOREIGN KEY (submission_id, file) REFERENCES submission_photos(submission_id, file),
  CHECK (decision = 'pass' OR note <> '')
);
