#include "pattern/observation.h"

#include <utility>

namespace tadamun::pattern {
namespace {

const std::string* StringMember(const json::Value& v, std::string_view key) {
  const json::Value* m = v.Find(key);
  return m != nullptr && m->is_string() ? &m->str() : nullptr;
}

Status ReadObservedData(const json::Value& sdo, const std::string& where,
                        std::shared_ptr<const ObjectIndex> bundle_index,
                        std::vector<Observation>* out) {
  Observation o;
  if (const std::string* id = StringMember(sdo, "id")) o.id = *id;
  std::string at = where + (o.id.empty() ? "" : " (" + o.id + ")");
  for (auto [key, field] : {std::pair{"first_observed", &o.first_observed},
                            std::pair{"last_observed", &o.last_observed}}) {
    const std::string* text = StringMember(sdo, key);
    if (text == nullptr) {
      return Status::InvalidArgument(at + ": observed-data has no " + key +
                                     "; expected a STIX timestamp string");
    }
    StatusOr<Timestamp> t = Timestamp::Parse(*text);
    if (!t.ok()) return t.status().WithPrefix(at + ": " + key);
    *field = *t;
  }
  if (o.last_observed < o.first_observed) {
    return Status::InvalidArgument(at + ": last_observed is before first_observed; expected "
                                        "first_observed <= last_observed");
  }
  const json::Value* n = sdo.Find("number_observed");
  std::optional<int64_t> count = n != nullptr ? n->AsInt64() : std::nullopt;
  if (!count || *count < 1) {
    return Status::InvalidArgument(at + ": number_observed must be an integer >= 1");
  }
  o.number_observed = *count;
  const json::Value* refs = sdo.Find("object_refs");
  const json::Value* embedded = sdo.Find("objects");
  if (refs == nullptr && embedded != nullptr && embedded->is_object()) {
    auto index = std::make_shared<ObjectIndex>();
    for (const json::Member& m : embedded->members()) {
      (*index)[m.key] = &m.value;
      if (m.value.is_object()) o.objects.push_back(&m.value);
    }
    o.index = std::move(index);
  } else {
    o.index = bundle_index ? bundle_index : std::make_shared<ObjectIndex>();
    if (refs != nullptr && refs->is_array()) {
      for (const json::Value& r : refs->items()) {
        if (!r.is_string()) continue;
        auto it = o.index->find(r.str());
        if (it != o.index->end() && it->second->is_object()) o.objects.push_back(it->second);
      }
    }
  }
  out->push_back(std::move(o));
  return Status::Ok();
}

bool IsType(const json::Value& v, std::string_view type) {
  const std::string* t = v.is_object() ? StringMember(v, "type") : nullptr;
  return t != nullptr && *t == type;
}

}  // namespace

StatusOr<std::vector<Observation>> ObservationsFromJson(const json::Value& list,
                                                        const ObservationOptions& options) {
  if (!list.is_array()) {
    return Status::InvalidArgument("observed data must be a JSON list of STIX bundles");
  }
  std::vector<Observation> out;
  uint64_t seen = 0;
  auto count = [&]() -> Status {
    if (++seen > options.max_observed_data) {
      return Status::ResourceExhausted("more than " + std::to_string(options.max_observed_data) +
                                       " observed-data objects");
    }
    return Status::Ok();
  };
  for (size_t i = 0; i < list.items().size(); ++i) {
    const json::Value& e = list.items()[i];
    std::string where = "element " + std::to_string(i);
    if (IsType(e, "bundle")) {
      const json::Value* objects = e.Find("objects");
      if (objects == nullptr || !objects->is_array()) continue;  // an empty bundle
      auto index = std::make_shared<ObjectIndex>();
      for (const json::Value& o : objects->items()) {
        if (const std::string* id = o.is_object() ? StringMember(o, "id") : nullptr) {
          index->emplace(*id, &o);
        }
      }
      for (size_t k = 0; k < objects->items().size(); ++k) {
        const json::Value& o = objects->items()[k];
        if (!IsType(o, "observed-data")) continue;
        TADAMUN_RETURN_IF_ERROR(count());
        TADAMUN_RETURN_IF_ERROR(ReadObservedData(
            o, where + " object " + std::to_string(k), index, &out));
      }
    } else if (IsType(e, "observed-data")) {
      TADAMUN_RETURN_IF_ERROR(count());
      TADAMUN_RETURN_IF_ERROR(ReadObservedData(e, where, nullptr, &out));
    } else {
      return Status::InvalidArgument(where + ": expected a STIX bundle or an observed-data "
                                             "object");
    }
  }
  return out;
}

}  // namespace tadamun::pattern
