// PdqMatcher: matches images against every PDQ indicator a node holds.
//
// Built from a list of records (indicator id, name, hash, quality) — the node collects them
// from its latest indicator versions with RecordsFromStix — it keeps them beside a
// HammingIndex whose ids are the record positions. Records whose quality is known and below
// the threshold are not indexed (a flat image's hash matches too much); unknown quality (hashes
// shared without x_tadamun_pdq_quality) is indexed. An image is matched with its 8 dihedral
// hashes in one pass over the index; each record is reported once, with the smallest distance
// and the transform that gave it.
//
// On disk (Save/Open): `<path>` is the HammingIndex file (mmap) and `<path>.records` one JSON
// object per line, {"id","name","hash","quality"}, in id order. Open reads the records file
// and finds its lines but parses a record only when it is asked for (a match to print, or a
// spot check), so opening a node-sized index costs a file read, not millions of JSON parses.
//
// Thread-safety: Match and the accessors are const and may run concurrently; Build/Open
// produce a new matcher.
//
//   std::vector<media::PdqIndicatorRecord> records = ...;
//   media::PdqMatcher matcher = media::PdqMatcher::Build(std::move(records), {});
//   for (const media::PdqMatch& m : matcher.Match(image.pdq)) Print(matcher.record(m.record));
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "json/json.h"
#include "media/hamming_index.h"
#include "media/pdq.h"

namespace tadamun::media {

struct PdqIndicatorRecord {
  std::string indicator_id;
  std::string name;
  PdqHash hash;
  int quality = -1;  // 0..100, or -1 when the indicator does not say
};

struct MatcherOptions {
  // A match is a distance at or below this (of 256 bits); default 31.
  int radius = kPdqMatchDistance;
  // Records with a known quality below this are not indexed; default 50.
  int min_quality = kPdqQualityThreshold;
  // Query with the image's 8 dihedral hashes (rotations, flips); default true. Needs a
  // PdqDihedralResult with all 8 hashes.
  bool dihedral = true;
};

struct PdqMatch {
  uint32_t record = 0;  // record number, see PdqMatcher::record
  int distance = 0;
  Dihedral transform = Dihedral::kOriginal;  // the image transform that matched best
};

class PdqMatcher {
 public:
  static PdqMatcher Build(std::vector<PdqIndicatorRecord> records, const MatcherOptions& options);
  // DataLoss when the two files do not belong together or are malformed.
  static StatusOr<PdqMatcher> Open(const std::string& path, const MatcherOptions& options);
  Status Save(const std::string& path) const;

  // Matches of one image, by (distance, record).
  std::vector<PdqMatch> Match(const PdqDihedralResult& image) const;
  // Matches of several images in one pass over the index (much faster per image than one call
  // each on a large index: see docs/performance.md); result i belongs to images[i].
  std::vector<std::vector<PdqMatch>> MatchMany(std::span<const PdqDihedralResult> images) const;

  // Number of indexed records.
  size_t size() const { return index_.slots(); }
  // Record i (precondition: i < size()). For an opened matcher whose records line is damaged,
  // the id is empty and the name says which line could not be read.
  PdqIndicatorRecord record(uint32_t i) const;
  size_t skipped_low_quality() const { return skipped_low_quality_; }
  const HammingIndex& index() const { return index_; }

 private:
  MatcherOptions options_;
  std::vector<PdqIndicatorRecord> records_;  // built matchers
  std::string records_path_;                 // opened matchers: the records file,
  std::string records_text_;                 // its text,
  std::vector<uint64_t> line_starts_;        // and where each record's line starts
  size_t skipped_low_quality_ = 0;
  HammingIndex index_;
};

// Appends one record per PDQ hash carried by `object` (see ExtractPdqHashes); revoked objects
// add nothing. The name is the object's "name", else empty.
Status AppendRecordsFromStix(const json::Value& object, std::vector<PdqIndicatorRecord>* out);

}  // namespace tadamun::media
