-- 0003: each photo's perceptual hash (src/analysis/phash.ts), cut into 4 bands of 4 hex digits for multi-index lookup
-- of look-alike photos (src/store/duplicates.ts, src/duplicates/hash-index.ts): a hash within r bits of another
-- shares some band within r/4 bits. By content: the hash does not depend on the engines of an analysis version.
CREATE TABLE photo_hashes (
  sha256  TEXT PRIMARY KEY,
  phash   TEXT NOT NULL,
  b0      TEXT NOT NULL,
  b1      TEXT NOT NULL,
  b2      TEXT NOT NULL,
  b3      TEXT NOT NULL
);
CREATE INDEX photo_hashes_b0 ON photo_hashes(b0);
CREATE INDEX photo_hashes_b1 ON photo_hashes(b1);
CREATE INDEX photo_hashes_b2 ON photo_hashes(b2);
CREATE INDEX photo_hashes_b3 ON photo_hashes(b3);

-- Analyses stored before this migration.
INSERT OR IGNORE INTO photo_hashes (sha256, phash, b0, b1, b2, b3)
  SELECT sha256, h, substr(h, 1, 4), substr(h, 5, 4), substr(h, 9, 4), substr(h, 13, 4)
  FROM (SELECT sha256, lower(json_extract(analysis, '$.phash')) AS h FROM analyses WHERE status = 'done')
  WHERE h IS NOT NULL AND length(h) = 16;
