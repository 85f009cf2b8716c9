#include "media/media_match.h"

#include <algorithm>
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
  const int n = options_.dihedral ? kNumDihedral : 1;
  std::vector<IndexMatch> hits =
      index_.Search(std::span<const PdqHash>(image.hashes.data(), n), options_.radius);
  std::map<uint32_t, PdqMatch> best;
  for (const IndexMatch& h : hits) {
    auto [it, inserted] =
        best.try_emplace(h.id, PdqMatch{h.id, h.distance, static_cast<Dihedral>(h.query)});
    if (!inserted && h.distance < it->second.distance) {
      it->second.distance = h.distance;
      it->second.transform = static_cast<Dihedral>(h.query);
    }
  }
  std::vector<PdqMatch> out;
  for (auto& [id, m] : best) out.push_back(m);
  std::sort(out.begin(), out.end(), [](const PdqMatch& a, const PdqMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.record < b.record;
  });
  return out;
}

Status PdqMatcher::Save(const std::string& path) const {
  std::string lines;
  for (const PdqIndicatorRecord& r : records_) {
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

StatusOr<PdqMatcher> PdqMatcher::Open(const std::string& path, const MatcherOptions& options) {
  TADAMUN_ASSIGN_OR_RETURN(HammingIndex index, HammingIndex::Open(path));
  TADAMUN_ASSIGN_OR_RETURN(std::string text,
                           Env::Default()->ReadFile(path + ".records", uint64_t{4} << 30));
  PdqMatcher m;
  m.options_ = options;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + ".records line " + std::to_string(line_no);
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
    m.records_.push_back({id->str(), name->str(), *h, static_cast<int>(*quality->AsInt64())});
  }
  if (m.records_.size() != index.slots()) {
    return Status::DataLoss(path + ": index holds " + std::to_string(index.slots()) +
                            " codes but its records file " + std::to_string(m.records_.size()) +
                            "; rebuild it (tadamun media index)");
  }
  // Spot-check ~1024 evenly spaced codes and the last one (a full check would fault in every
  // page of a large index).
  const size_t n = m.records_.size();
  const size_t step = std::max<size_t>(1, n / 1024);
  auto differs = [&](size_t i) { return !(index.Get(static_cast<uint32_t>(i)) == m.records_[i].hash); };
  for (size_t i = 0; i < n; i += step) {
    if (differs(i) || differs(n - 1)) {
      return Status::DataLoss(path + ": its codes differ from its records file; rebuild it "
                              "(tadamun media index)");
    }
  }
  m.index_ = std::move(index);
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
