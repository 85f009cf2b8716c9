#include "media/media_match.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "base/env.h"
#include "media/pdq_stix.h"

namespace tadamun::media {

PdqMatcher PdqMatcher::Build(std::vector<PdqIndicatorRecord> records,
                             const MatcherOptions& options) {
  PdqMatcher m;
  m.options_ = options;
  for (PdqIndicatorRecord& r : records) {
    if (r.quality >= 0 && r.quality < options.min_quality) {
      ++m.skipped_low_quality_;
      continue;
    }
    m.index_.Add(r.hash);
    m.records_.push_back(std::move(r));
  }
  return m;
}

std::vector<PdqMatch> PdqMatcher::Match(const PdqDihedralResult& image) const {
  return MatchMany(std::span<const PdqDihedralResult>(&image, 1))[0];
}

std::vector<std::vector<PdqMatch>> PdqMatcher::MatchMany(
    std::span<const PdqDihedralResult> images) const {
  const int per_image = options_.dihedral ? kNumDihedral : 1;
  std::vector<PdqHash> queries;
  queries.reserve(images.size() * per_image);
  for (const PdqDihedralResult& image : images) {
    for (int t = 0; t < per_image; ++t) queries.push_back(image.hashes[t]);
  }
  std::vector<IndexMatch> hits = index_.Search(queries, options_.radius);
  // Best (smallest distance) hit per (image, record).
  std::vector<std::map<uint32_t, PdqMatch>> best(images.size());
  for (const IndexMatch& h : hits) {
    const size_t image = h.query / per_image;
    const auto transform = static_cast<Dihedral>(h.query % per_image);
    auto [it, inserted] = best[image].try_emplace(h.id, PdqMatch{h.id, h.distance, transform});
    if (!inserted && h.distance < it->second.distance) {
      it->second.distance = h.distance;
      it->second.transform = transform;
    }
  }
  std::vector<std::vector<PdqMatch>> out(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    for (auto& [id, m] : best[i]) out[i].push_back(m);
    std::sort(out[i].begin(), out[i].end(), [](const PdqMatch& a, const PdqMatch& b) {
      return a.distance != b.distance ? a.distance < b.distance : a.record < b.record;
    });
  }
  return out;
}

Status PdqMatcher::Save(const std::string& path) const {
  std::string lines;
  for (uint32_t i = 0; i < size(); ++i) {
    const PdqIndicatorRecord r = record(i);
    json::Value o = json::Value::Object();
    o.Set("id", json::Value::String(r.indicator_id));
    o.Set("name", json::Value::String(r.name));
    o.Set("hash", json::Value::String(FormatHex(r.hash)));
    o.Set("quality", json::Value::Int(r.quality));
    json::AppendJson(o, &lines);
    lines.push_back('\n');
  }
  // Records first: a reader that finds an index whose records file is stale sees a count or
  // hash mismatch and refuses it.
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(path + ".records", lines, 0644));
  return index_.Save(path);
}

namespace {

StatusOr<PdqIndicatorRecord> ParseRecordLine(std::string_view line, const std::string& where) {
  json::ParseOptions po;
  po.max_depth = 4;
  po.max_bytes = 1 << 20;
  StatusOr<json::Value> v = json::Parse(line, po);
  if (!v.ok()) return Status::DataLoss(where + ": " + v.status().message());
  const json::Value* id = v->Find("id");
  const json::Value* name = v->Find("name");
  const json::Value* hash = v->Find("hash");
  const json::Value* quality = v->Find("quality");
  if (!id || !id->is_string() || !name || !name->is_string() || !hash || !hash->is_string() ||
      !quality || !quality->AsInt64()) {
    return Status::DataLoss(where + ": expected {\"id\",\"name\",\"hash\",\"quality\"}");
  }
  StatusOr<PdqHash> h = ParseHex(hash->str());
  if (!h.ok()) return Status::DataLoss(where + ": " + h.status().message());
  return PdqIndicatorRecord{id->str(), name->str(), *h, static_cast<int>(*quality->AsInt64())};
}

}  // namespace

PdqIndicatorRecord PdqMatcher::record(uint32_t i) const {
  if (records_text_.empty() && line_starts_.empty()) return records_[i];
  const uint64_t start = line_starts_[i];
  const uint64_t end = i + 1 < line_starts_.size() ? line_starts_[i + 1] - 1 : records_text_.size();
  const std::string where = records_path_ + " line " + std::to_string(i + 1);
  StatusOr<PdqIndicatorRecord> r =
      ParseRecordLine(std::string_view(records_text_).substr(start, end - start), where);
  if (r.ok()) return *r;
  return PdqIndicatorRecord{"", "(unreadable: " + r.status().message() + ")", index_.Get(i), -1};
}

StatusOr<PdqMatcher> PdqMatcher::Open(const std::string& path, const MatcherOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(HammingIndex index, HammingIndex::Open(path));
  PdqMatcher m;
  m.options_ = options;
  m.records_path_ = path + ".records";
  TADAMUN_ASSIGN_OR_RETURN(m.records_text_,
                           Env::Default()->ReadFile(m.records_path_, uint64_t{4} << 30));
  // One record per line; the file ends with a newline.
  const std::string& text = m.records_text_;
  if (!text.empty() && text.back() != '\n') {
    return Status::DataLoss(m.records_path_ + ": does not end with a newline (truncated?)");
  }
  for (size_t pos = 0; pos < text.size();) {
    m.line_starts_.push_back(pos);
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    pos = static_cast<const char*>(nl) - text.data() + 1;
  }
  if (m.line_starts_.size() != index.slots()) {
    return Status::DataLoss(path + ": index holds " + std::to_string(index.slots()) +
                            " codes but its records file " + std::to_string(m.line_starts_.size()) +
                            "; rebuild it (tadamun media index)");
  }
  m.index_ = std::move(index);
  // Spot-check ~1024 evenly spaced records and the last one against the codes (checking all
  // would parse every line and fault in every page of a large index).
  const size_t n = m.line_starts_.size();
  const size_t step = std::max<size_t>(1, n / 1024);
  auto check = [&](size_t i) -> Status {
    const uint64_t start = m.line_starts_[i];
    const uint64_t end = i + 1 < n ? m.line_starts_[i + 1] - 1 : text.size() - 1;
    TADAMUN_ASSIGN_OR_RETURN(
        PdqIndicatorRecord r,
        ParseRecordLine(std::string_view(text).substr(start, end - start),
                        m.records_path_ + " line " + std::to_string(i + 1)));
    if (!(r.hash == m.index_.Get(static_cast<uint32_t>(i)))) {
      return Status::DataLoss(path + ": code " + std::to_string(i) +
                              " differs from its record; rebuild it (tadamun media index)");
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < n; i += step) TADAMUN_RETURN_IF_ERROR(check(i));
  if (n > 0) TADAMUN_RETURN_IF_ERROR(check(n - 1));
  return m;
}

Status AppendRecordsFromStix(const json::Value& object, std::vector<PdqIndicatorRecord>* out) {
  const json::Value* revoked = object.Find("revoked");
  if (revoked && revoked->is_bool() && revoked->bool_value()) return Status::Ok();
  TADAMUN_ASSIGN_OR_RETURN(std::vector<StixPdqHash> hashes, ExtractPdqHashes(object));
  const json::Value* id = object.Find("id");
  const json::Value* name = object.Find("name");
  for (const StixPdqHash& h : hashes) {
    out->push_back({id && id->is_string() ? id->str() : "", name && name->is_string() ? name->str() : "",
                    h.hash, h.quality ? *h.quality : -1});
  }
  return Status::Ok();
}

}  // namespace tadamun::media
