#include "stix/tlp.h"

#include <string>

#include "base/timestamp.h"

namespace tadamun::stix {
namespace {

constexpr std::string_view kTlp2Extension =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

constexpr TlpMarking kMarkings[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", 1, "white", "TLP:WHITE"},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", 1, "green", "TLP:GREEN"},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", 1, "amber", "TLP:AMBER"},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", 1, "red", "TLP:RED"},
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", 2, "clear", "TLP:CLEAR"},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", 2, "green", "TLP:GREEN"},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", 2, "amber", "TLP:AMBER"},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", 2, "amber+strict",
     "TLP:AMBER+STRICT"},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", 2, "red", "TLP:RED"},
};

}  // namespace

std::span<const TlpMarking> TlpMarkings() { return kMarkings; }

const TlpMarking* FindTlpMarking(std::string_view marking_id) {
  if (marking_id.size() != 56) return nullptr;
  for (const TlpMarking& m : kMarkings) {
    if (m.id == marking_id) return &m;
  }
  return nullptr;
}

std::optional<std::string_view> TlpName(std::string_view marking_id) {
  const TlpMarking* m = FindTlpMarking(marking_id);
  if (m == nullptr) return std::nullopt;
  return m->name;
}

json::Value PredefinedTlpObject(const TlpMarking& marking) {
  json::Value o = json::Value::Object();
  o.Set("type", json::Value::String("marking-definition"));
  o.Set("spec_version", json::Value::String("2.1"));
  o.Set("id", json::Value::String(std::string(marking.id)));
  if (marking.version == 1) {
    o.Set("created", json::Value::String("2017-01-20T00:00:00.000Z"));
    o.Set("definition_type", json::Value::String("tlp"));
    o.Set("name", json::Value::String(std::string(marking.name)));
    json::Value def = json::Value::Object();
    def.Set("tlp", json::Value::String(std::string(marking.level)));
    o.Set("definition", std::move(def));
  } else {
    o.Set("created", json::Value::String("2022-10-01T00:00:00.000Z"));
    o.Set("name", json::Value::String(std::string(marking.name)));
    json::Value ext = json::Value::Object();
    ext.Set("extension_type", json::Value::String("property-extension"));
    ext.Set("tlp_2_0", json::Value::String(std::string(marking.level)));
    json::Value exts = json::Value::Object();
    exts.Set(std::string(kTlp2Extension), std::move(ext));
    o.Set("extensions", std::move(exts));
  }
  return o;
}

bool MatchesPredefinedTlp(const json::Value& object, const TlpMarking& marking,
                          std::string* why) {
  json::Value expected = PredefinedTlpObject(marking);
  auto describe = [&](std::string_view what, std::string_view key) {
    *why = std::string(what) + " \"" + std::string(key) + "\"; expected exactly the published " +
           std::string(marking.name) + " object " + json::ToJson(expected);
    return false;
  };
  for (const json::Member& m : object.members()) {
    const json::Value* want = expected.Find(m.key);
    if (want == nullptr) return describe("has the extra property", m.key);
    if (m.key == "created") {
      // Compared as instants: "…T00:00:00Z" and "…T00:00:00.000Z" are the same time.
      auto got = m.value.is_string() ? Timestamp::Parse(m.value.str())
                                     : StatusOr<Timestamp>(Status::InvalidArgument(""));
      if (!got.ok() || !(*got == *Timestamp::Parse(want->str()))) {
        return describe("has a different value for", m.key);
      }
    } else if (!json::Equal(m.value, *want)) {
      return describe("has a different value for", m.key);
    }
  }
  for (const json::Member& m : expected.members()) {
    if (object.Find(m.key) != nullptr) continue;
    if (m.key == "name" || (m.key == "spec_version" && marking.version == 1)) continue;
    return describe("lacks the property", m.key);
  }
  return true;
}

}  // namespace tadamun::stix
