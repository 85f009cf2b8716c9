// Internal to the stix module: the static table of STIX 2.1 object types (their kind, their
// properties with types and whether they are required) and the cross-property rules of each
// type. Sources: STIX 2.1 OASIS Standard (chapters 3–7) and its JSON schemas
// (oasis-open/cti-stix2-json-schemas), cross-checked with cti-python-stix2.
//
// Immutable static data; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "json/json.h"
#include "stix/checker.h"
#include "stix/object.h"

namespace tadamun::stix::internal {

struct RuleContext {
  Checker& checker;
  const json::Value& object;
  const Path& root;

  const json::Value* Get(std::string_view name) const { return object.Find(name); }
};

using TypeRule = void (*)(RuleContext& ctx);

struct TypeSpec {
  std::string_view type;
  Kind kind;
  std::span<const PropSpec> props;  // type-specific properties (override common ones)
  TypeRule rule = nullptr;          // cross-property constraints, run when set
};

// The spec of a type defined by STIX 2.1, or nullptr (a custom or unknown type).
const TypeSpec* FindType(std::string_view type);
// Every defined type (for tests and documentation).
std::span<const TypeSpec> AllTypes();
// The common properties of objects of `kind` (custom objects use the SDO set, none required).
std::span<const PropSpec> CommonProps(Kind kind);

// Predefined extensions of SCO types (STIX 2.1 chapter 6): the properties of `name` when it is
// a predefined extension of `type`, else an empty span and *known = false.
std::span<const PropSpec> PredefinedExtension(std::string_view type, std::string_view name,
                                              bool* known);

// Type rules (type_rules.cc).
void CampaignRule(RuleContext& ctx);  // also intrusion-set, infrastructure, malware, threat-actor
void IndicatorRule(RuleContext& ctx);
void LocationRule(RuleContext& ctx);
void MalwareRule(RuleContext& ctx);
void MalwareAnalysisRule(RuleContext& ctx);
void ObservedDataRule(RuleContext& ctx);
void RelationshipRule(RuleContext& ctx);
void SightingRule(RuleContext& ctx);
void MarkingDefinitionRule(RuleContext& ctx);
void ArtifactRule(RuleContext& ctx);
void EmailMessageRule(RuleContext& ctx);
void FileRule(RuleContext& ctx);
void MacAddrRule(RuleContext& ctx);
void Ipv4Rule(RuleContext& ctx);
void Ipv6Rule(RuleContext& ctx);
void NetworkTrafficRule(RuleContext& ctx);
void ProcessRule(RuleContext& ctx);
void X509Rule(RuleContext& ctx);
void ExtensionDefinitionRule(RuleContext& ctx);

}  // namespace tadamun::stix::internal
