#include "stix/schema.h"

namespace tadamun::stix::internal {
namespace {

using P = PropType;
constexpr bool kReq = true;
constexpr int64_t kMaxCount = 999999999;

// The STIX Domain Object types (observed-data refers to SCOs and SROs, never to these).
#define TADAMUN_STIX_SDO_TYPES                                                                \
  "attack-pattern campaign course-of-action grouping identity incident indicator "            \
  "infrastructure intrusion-set location malware malware-analysis note observed-data opinion " \
  "report threat-actor tool vulnerability"
constexpr std::string_view kNotSdo = "!" TADAMUN_STIX_SDO_TYPES;
// What a sighting is of: an SDO, never an SRO, an SCO or a meta object.
constexpr std::string_view kNotSighted =
    "!relationship sighting marking-definition language-content extension-definition artifact "
    "autonomous-system directory domain-name email-addr email-message file ipv4-addr ipv6-addr "
    "mac-addr mutex network-traffic process software url user-account windows-registry-key "
    "x509-certificate";
#undef TADAMUN_STIX_SDO_TYPES

// Common properties (STIX 2.1 §3.2 table, §6.1 for SCOs, §7.2.1 for marking-definition).
constexpr PropSpec kCommonSdo[] = {
    {"type", P::kIgnore},
    {"id", P::kIgnore},
    {"spec_version", P::kString, kReq},
    {"created", P::kTimestamp, kReq},
    {"modified", P::kTimestamp, kReq},
    {"created_by_ref", P::kRef, false, "identity"},
    {"revoked", P::kBool},
    {"labels", P::kStringList},
    {"confidence", P::kInteger, false, {}, 0, 100},
    {"lang", P::kString},
    {"external_references", P::kExternalReferences},
    {"object_marking_refs", P::kRefList, false, "marking-definition"},
    {"granular_markings", P::kGranularMarkings},
    {"extensions", P::kExtensions},
};

// Custom objects: the same properties, none required beyond type and id.
constexpr PropSpec kCommonCustom[] = {
    {"type", P::kIgnore},
    {"id", P::kIgnore},
    {"spec_version", P::kString},
    {"created", P::kTimestamp},
    {"modified", P::kTimestamp},
    {"created_by_ref", P::kRef, false, "identity"},
    {"revoked", P::kBool},
    {"labels", P::kStringList},
    {"confidence", P::kInteger, false, {}, 0, 100},
    {"lang", P::kString},
    {"external_references", P::kExternalReferences},
    {"object_marking_refs", P::kRefList, false, "marking-definition"},
    {"granular_markings", P::kGranularMarkings},
    {"extensions", P::kExtensions},
};

constexpr PropSpec kCommonSco[] = {
    {"type", P::kIgnore},
    {"id", P::kIgnore},
    {"spec_version", P::kString},
    {"object_marking_refs", P::kRefList, false, "marking-definition"},
    {"granular_markings", P::kGranularMarkings},
    {"defanged", P::kBool},
    {"extensions", P::kExtensions},
};

constexpr PropSpec kCommonMarking[] = {
    {"type", P::kIgnore},
    {"id", P::kIgnore},
    {"spec_version", P::kString, kReq},
    {"created", P::kTimestamp, kReq},
    {"created_by_ref", P::kRef, false, "identity"},
    {"external_references", P::kExternalReferences},
    {"object_marking_refs", P::kRefList, false, "marking-definition"},
    {"granular_markings", P::kGranularMarkings},
    {"extensions", P::kExtensions},
};

// ---- SDOs (STIX 2.1 chapter 4) ----
constexpr PropSpec kAttackPattern[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"aliases", P::kStringList},
    {"kill_chain_phases", P::kKillChainPhases},
};
constexpr PropSpec kCampaign[] = {
    {"name", P::kString, kReq},   {"description", P::kString}, {"aliases", P::kStringList},
    {"first_seen", P::kTimestamp}, {"last_seen", P::kTimestamp}, {"objective", P::kString},
};
constexpr PropSpec kCourseOfAction[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
};
constexpr PropSpec kGrouping[] = {
    {"name", P::kString},
    {"description", P::kString},
    {"context", P::kString, kReq},
    {"object_refs", P::kRefList, kReq},
};
constexpr PropSpec kIdentity[] = {
    {"name", P::kString, kReq},   {"description", P::kString},         {"roles", P::kStringList},
    {"identity_class", P::kString}, {"sectors", P::kStringList}, {"contact_information", P::kString},
};
constexpr PropSpec kIncident[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"kill_chain_phases", P::kKillChainPhases},
};
constexpr PropSpec kIndicator[] = {
    {"name", P::kString},
    {"description", P::kString},
    {"indicator_types", P::kStringList},
    {"pattern", P::kString, kReq},  // kept as written; the pattern module validates it
    {"pattern_type", P::kString, kReq},
    {"pattern_version", P::kString},
    {"valid_from", P::kTimestamp, kReq},
    {"valid_until", P::kTimestamp},
    {"kill_chain_phases", P::kKillChainPhases},
};
constexpr PropSpec kInfrastructure[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"infrastructure_types", P::kStringList},
    {"aliases", P::kStringList},
    {"kill_chain_phases", P::kKillChainPhases},
    {"first_seen", P::kTimestamp},
    {"last_seen", P::kTimestamp},
};
constexpr PropSpec kIntrusionSet[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"aliases", P::kStringList},
    {"first_seen", P::kTimestamp},
    {"last_seen", P::kTimestamp},
    {"goals", P::kStringList},
    {"resource_level", P::kString},
    {"primary_motivation", P::kString},
    {"secondary_motivations", P::kStringList},
};
constexpr PropSpec kLocation[] = {
    {"name", P::kString},
    {"description", P::kString},
    {"latitude", P::kNumber, false, {}, -90, 90},
    {"longitude", P::kNumber, false, {}, -180, 180},
    {"precision", P::kNumber, false, {}, 0},
    {"region", P::kString},
    {"country", P::kString},
    {"administrative_area", P::kString},
    {"city", P::kString},
    {"street_address", P::kString},
    {"postal_code", P::kString},
};
constexpr PropSpec kMalware[] = {
    {"name", P::kString},
    {"description", P::kString},
    {"malware_types", P::kStringList},
    {"is_family", P::kBool, kReq},
    {"aliases", P::kStringList},
    {"kill_chain_phases", P::kKillChainPhases},
    {"first_seen", P::kTimestamp},
    {"last_seen", P::kTimestamp},
    {"operating_system_refs", P::kRefList, false, "software"},
    {"architecture_execution_envs", P::kStringList},
    {"implementation_languages", P::kStringList},
    {"capabilities", P::kStringList},
    {"sample_refs", P::kRefList, false, "file artifact"},
};
constexpr PropSpec kMalwareAnalysis[] = {
    {"product", P::kString, kReq},
    {"version", P::kString},
    {"host_vm_ref", P::kRef, false, "software"},
    {"operating_system_ref", P::kRef, false, "software"},
    {"installed_software_refs", P::kRefList, false, "software"},
    {"configuration_version", P::kString},
    {"modules", P::kStringList},
    {"analysis_engine_version", P::kString},
    {"analysis_definition_version", P::kString},
    {"submitted", P::kTimestamp},
    {"analysis_started", P::kTimestamp},
    {"analysis_ended", P::kTimestamp},
    {"result_name", P::kString},
    {"result", P::kString},
    {"analysis_sco_refs", P::kRefList, false, kNotSdo},
    {"sample_ref", P::kRef, false, "file network-traffic artifact"},
};
constexpr PropSpec kNote[] = {
    {"abstract", P::kString},
    {"content", P::kString, kReq},
    {"authors", P::kStringList},
    {"object_refs", P::kRefList, kReq},
};
constexpr PropSpec kObservedData[] = {
    {"first_observed", P::kTimestamp, kReq},
    {"last_observed", P::kTimestamp, kReq},
    {"number_observed", P::kInteger, kReq, {}, 1, kMaxCount},
    {"objects", P::kObservedObjects},
    {"object_refs", P::kRefList, false, kNotSdo},
};
constexpr PropSpec kOpinion[] = {
    {"explanation", P::kString},
    {"authors", P::kStringList},
    {"opinion", P::kEnum, kReq, "strongly-disagree disagree neutral agree strongly-agree"},
    {"object_refs", P::kRefList, kReq},
};
constexpr PropSpec kReport[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"report_types", P::kStringList},
    {"published", P::kTimestamp, kReq},
    {"object_refs", P::kRefList, kReq},
};
constexpr PropSpec kThreatActor[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"threat_actor_types", P::kStringList},
    {"aliases", P::kStringList},
    {"first_seen", P::kTimestamp},
    {"last_seen", P::kTimestamp},
    {"roles", P::kStringList},
    {"goals", P::kStringList},
    {"sophistication", P::kString},
    {"resource_level", P::kString},
    {"primary_motivation", P::kString},
    {"secondary_motivations", P::kStringList},
    {"personal_motivations", P::kStringList},
};
constexpr PropSpec kTool[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"tool_types", P::kStringList},
    {"aliases", P::kStringList},
    {"kill_chain_phases", P::kKillChainPhases},
    {"tool_version", P::kString},
};
constexpr PropSpec kVulnerability[] = {
    {"name", P::kString, kReq},
    {"description", P::kString},
};

// ---- SROs (chapter 5) ----
constexpr PropSpec kRelationship[] = {
    {"relationship_type", P::kString, kReq},
    {"description", P::kString},
    {"source_ref", P::kRef, kReq},
    {"target_ref", P::kRef, kReq},
    {"start_time", P::kTimestamp},
    {"stop_time", P::kTimestamp},
};
constexpr PropSpec kSighting[] = {
    {"description", P::kString},
    {"first_seen", P::kTimestamp},
    {"last_seen", P::kTimestamp},
    {"count", P::kInteger, false, {}, 0, kMaxCount},
    {"sighting_of_ref", P::kRef, kReq, kNotSighted},
    {"observed_data_refs", P::kRefList, false, "observed-data"},
    {"where_sighted_refs", P::kRefList, false, "identity location"},
    {"summary", P::kBool},
};

// ---- Meta objects (chapter 7) ----
constexpr PropSpec kMarkingDefinition[] = {
    {"name", P::kString},
    {"definition_type", P::kString},
    {"definition", P::kMarkingDefinition},
};
constexpr PropSpec kLanguageContent[] = {
    {"object_ref", P::kRef, kReq},
    {"object_modified", P::kTimestamp},
    {"contents", P::kDictionary, kReq},
};
constexpr PropSpec kExtensionDefinition[] = {
    {"created_by_ref", P::kRef, kReq, "identity"},
    {"name", P::kString, kReq},
    {"description", P::kString},
    {"schema", P::kString, kReq},
    {"version", P::kString, kReq},
    {"extension_types", P::kStringList, kReq},
    {"extension_properties", P::kStringList},
};

// ---- SCOs (chapter 6) ----
constexpr PropSpec kArtifact[] = {
    {"mime_type", P::kString},
    {"payload_bin", P::kBinary},
    {"url", P::kString},
    {"hashes", P::kHashes},
    {"encryption_algorithm", P::kString},
    {"decryption_key", P::kString},
};
constexpr PropSpec kAutonomousSystem[] = {
    {"number", P::kInteger, kReq, {}, 0},
    {"name", P::kString},
    {"rir", P::kString},
};
constexpr PropSpec kDirectory[] = {
    {"path", P::kString, kReq},
    {"path_enc", P::kString},
    {"ctime", P::kTimestamp},
    {"mtime", P::kTimestamp},
    {"atime", P::kTimestamp},
    {"contains_refs", P::kRefList, false, "file directory"},
};
constexpr PropSpec kDomainName[] = {
    {"value", P::kString, kReq},
    {"resolves_to_refs", P::kRefList, false, "ipv4-addr ipv6-addr domain-name"},
};
constexpr PropSpec kEmailAddr[] = {
    {"value", P::kString, kReq},
    {"display_name", P::kString},
    {"belongs_to_ref", P::kRef, false, "user-account"},
};
constexpr PropSpec kEmailMessage[] = {
    {"is_multipart", P::kBool, kReq},
    {"date", P::kTimestamp},
    {"content_type", P::kString},
    {"from_ref", P::kRef, false, "email-addr"},
    {"sender_ref", P::kRef, false, "email-addr"},
    {"to_refs", P::kRefList, false, "email-addr"},
    {"cc_refs", P::kRefList, false, "email-addr"},
    {"bcc_refs", P::kRefList, false, "email-addr"},
    {"message_id", P::kString},
    {"subject", P::kString},
    {"received_lines", P::kStringList},
    {"additional_header_fields", P::kDictionary},
    {"body", P::kString},
    {"body_multipart", P::kMimeParts},
    {"raw_email_ref", P::kRef, false, "artifact"},
};
constexpr PropSpec kFile[] = {
    {"hashes", P::kHashes},
    {"size", P::kInteger, false, {}, 0},
    {"name", P::kString},
    {"name_enc", P::kString},
    {"magic_number_hex", P::kHex},
    {"mime_type", P::kString},
    {"ctime", P::kTimestamp},
    {"mtime", P::kTimestamp},
    {"atime", P::kTimestamp},
    {"parent_directory_ref", P::kRef, false, "directory"},
    {"contains_refs", P::kRefList},
    {"content_ref", P::kRef, false, "artifact"},
};
constexpr PropSpec kIpAddr[] = {
    {"value", P::kString, kReq},
    {"resolves_to_refs", P::kRefList, false, "mac-addr"},
    {"belongs_to_refs", P::kRefList, false, "autonomous-system"},
};
constexpr PropSpec kMacAddr[] = {
    {"value", P::kString, kReq},
};
constexpr PropSpec kMutex[] = {
    {"name", P::kString, kReq},
};
constexpr int64_t kMaxPort = 65535;
constexpr PropSpec kNetworkTraffic[] = {
    {"start", P::kTimestamp},
    {"end", P::kTimestamp},
    {"is_active", P::kBool},
    {"src_ref", P::kRef, false, "ipv4-addr ipv6-addr mac-addr domain-name"},
    {"dst_ref", P::kRef, false, "ipv4-addr ipv6-addr mac-addr domain-name"},
    {"src_port", P::kInteger, false, {}, 0, kMaxPort},
    {"dst_port", P::kInteger, false, {}, 0, kMaxPort},
    {"protocols", P::kStringList, kReq},
    {"src_byte_count", P::kInteger, false, {}, 0},
    {"dst_byte_count", P::kInteger, false, {}, 0},
    {"src_packets", P::kInteger, false, {}, 0},
    {"dst_packets", P::kInteger, false, {}, 0},
    {"ipfix", P::kDictionary},
    {"src_payload_ref", P::kRef, false, "artifact"},
    {"dst_payload_ref", P::kRef, false, "artifact"},
    {"encapsulates_refs", P::kRefList, false, "network-traffic"},
    {"encapsulated_by_ref", P::kRef, false, "network-traffic"},
};
constexpr PropSpec kProcess[] = {
    {"is_hidden", P::kBool},
    {"pid", P::kInteger},
    {"created_time", P::kTimestamp},
    {"cwd", P::kString},
    {"command_line", P::kString},
    {"environment_variables", P::kDictionary},
    {"opened_connection_refs", P::kRefList, false, "network-traffic"},
    {"creator_user_ref", P::kRef, false, "user-account"},
    {"image_ref", P::kRef, false, "file"},
    {"parent_ref", P::kRef, false, "process"},
    {"child_refs", P::kRefList, false, "process"},
};
constexpr PropSpec kSoftware[] = {
    {"name", P::kString, kReq}, {"cpe", P::kString},     {"swid", P::kString},
    {"languages", P::kStringList}, {"vendor", P::kString}, {"version", P::kString},
};
constexpr PropSpec kUrl[] = {
    {"value", P::kString, kReq},
};
constexpr PropSpec kUserAccount[] = {
    {"user_id", P::kString},
    {"credential", P::kString},
    {"account_login", P::kString},
    {"account_type", P::kString},
    {"display_name", P::kString},
    {"is_service_account", P::kBool},
    {"is_privileged", P::kBool},
    {"can_escalate_privs", P::kBool},
    {"is_disabled", P::kBool},
    {"account_created", P::kTimestamp},
    {"account_expires", P::kTimestamp},
    {"credential_last_changed", P::kTimestamp},
    {"account_first_login", P::kTimestamp},
    {"account_last_login", P::kTimestamp},
};
constexpr PropSpec kRegistryKey[] = {
    {"key", P::kString},
    {"values", P::kRegistryValues},
    {"modified_time", P::kTimestamp},
    {"creator_user_ref", P::kRef, false, "user-account"},
    {"number_of_subkeys", P::kInteger, false, {}, 0},
};
constexpr PropSpec kX509[] = {
    {"is_self_signed", P::kBool},
    {"hashes", P::kHashes},
    {"version", P::kString},
    {"serial_number", P::kString},
    {"signature_algorithm", P::kString},
    {"issuer", P::kString},
    {"validity_not_before", P::kTimestamp},
    {"validity_not_after", P::kTimestamp},
    {"subject", P::kString},
    {"subject_public_key_algorithm", P::kString},
    {"subject_public_key_modulus", P::kString},
    {"subject_public_key_exponent", P::kInteger},
    {"x509_v3_extensions", P::kDictionary},
};

constexpr TypeSpec kTypes[] = {
    {"attack-pattern", Kind::kDomainObject, kAttackPattern},
    {"campaign", Kind::kDomainObject, kCampaign, CampaignRule},
    {"course-of-action", Kind::kDomainObject, kCourseOfAction},
    {"grouping", Kind::kDomainObject, kGrouping},
    {"identity", Kind::kDomainObject, kIdentity},
    {"incident", Kind::kDomainObject, kIncident},
    {"indicator", Kind::kDomainObject, kIndicator, IndicatorRule},
    {"infrastructure", Kind::kDomainObject, kInfrastructure, CampaignRule},
    {"intrusion-set", Kind::kDomainObject, kIntrusionSet, CampaignRule},
    {"location", Kind::kDomainObject, kLocation, LocationRule},
    {"malware", Kind::kDomainObject, kMalware, MalwareRule},
    {"malware-analysis", Kind::kDomainObject, kMalwareAnalysis, MalwareAnalysisRule},
    {"note", Kind::kDomainObject, kNote},
    {"observed-data", Kind::kDomainObject, kObservedData, ObservedDataRule},
    {"opinion", Kind::kDomainObject, kOpinion},
    {"report", Kind::kDomainObject, kReport},
    {"threat-actor", Kind::kDomainObject, kThreatActor, CampaignRule},
    {"tool", Kind::kDomainObject, kTool},
    {"vulnerability", Kind::kDomainObject, kVulnerability},
    {"relationship", Kind::kRelationshipObject, kRelationship, RelationshipRule},
    {"sighting", Kind::kRelationshipObject, kSighting, SightingRule},
    {"marking-definition", Kind::kMarkingDefinition, kMarkingDefinition, MarkingDefinitionRule},
    {"language-content", Kind::kLanguageContent, kLanguageContent},
    {"extension-definition", Kind::kExtensionDefinition, kExtensionDefinition,
     ExtensionDefinitionRule},
    {"artifact", Kind::kCyberObservable, kArtifact, ArtifactRule},
    {"autonomous-system", Kind::kCyberObservable, kAutonomousSystem},
    {"directory", Kind::kCyberObservable, kDirectory},
    {"domain-name", Kind::kCyberObservable, kDomainName},
    {"email-addr", Kind::kCyberObservable, kEmailAddr},
    {"email-message", Kind::kCyberObservable, kEmailMessage, EmailMessageRule},
    {"file", Kind::kCyberObservable, kFile, FileRule},
    {"ipv4-addr", Kind::kCyberObservable, kIpAddr, Ipv4Rule},
    {"ipv6-addr", Kind::kCyberObservable, kIpAddr, Ipv6Rule},
    {"mac-addr", Kind::kCyberObservable, kMacAddr, MacAddrRule},
    {"mutex", Kind::kCyberObservable, kMutex},
    {"network-traffic", Kind::kCyberObservable, kNetworkTraffic, NetworkTrafficRule},
    {"process", Kind::kCyberObservable, kProcess, ProcessRule},
    {"software", Kind::kCyberObservable, kSoftware},
    {"url", Kind::kCyberObservable, kUrl},
    {"user-account", Kind::kCyberObservable, kUserAccount},
    {"windows-registry-key", Kind::kCyberObservable, kRegistryKey},
    {"x509-certificate", Kind::kCyberObservable, kX509, X509Rule},
};

// ---- Predefined SCO extensions (chapter 6) ----
constexpr PropSpec kArchiveExt[] = {
    {"contains_refs", P::kRefList, kReq, "file directory"},
    {"comment", P::kString},
};
constexpr PropSpec kNtfsExt[] = {
    {"sid", P::kString},
    {"alternate_data_streams", P::kObjectList},
};
constexpr PropSpec kPdfExt[] = {
    {"version", P::kString},  {"is_optimized", P::kBool}, {"document_info_dict", P::kDictionary},
    {"pdfid0", P::kString},   {"pdfid1", P::kString},
};
constexpr PropSpec kRasterImageExt[] = {
    {"image_height", P::kInteger},
    {"image_width", P::kInteger},
    {"bits_per_pixel", P::kInteger},
    {"exif_tags", P::kDictionary},
};
constexpr PropSpec kPeBinaryExt[] = {
    {"pe_type", P::kString, kReq},
    {"imphash", P::kString},
    {"machine_hex", P::kHex},
    {"number_of_sections", P::kInteger, false, {}, 0},
    {"time_date_stamp", P::kTimestamp},
    {"pointer_to_symbol_table_hex", P::kHex},
    {"number_of_symbols", P::kInteger, false, {}, 0},
    {"size_of_optional_header", P::kInteger, false, {}, 0},
    {"characteristics_hex", P::kHex},
    {"file_header_hashes", P::kHashes},
};
constexpr PropSpec kHttpRequestExt[] = {
    {"request_method", P::kString, kReq},
    {"request_value", P::kString, kReq},
    {"request_version", P::kString},
    {"request_header", P::kDictionary},
    {"message_body_length", P::kInteger, false, {}, 0},
    {"message_body_data_ref", P::kRef, false, "artifact"},
};
constexpr PropSpec kIcmpExt[] = {
    {"icmp_type_hex", P::kHex, kReq},
    {"icmp_code_hex", P::kHex, kReq},
};
constexpr PropSpec kSocketExt[] = {
    {"address_family", P::kEnum, kReq,
     "AF_UNSPEC AF_INET AF_IPX AF_APPLETALK AF_NETBIOS AF_INET6 AF_IRDA AF_BTH"},
    {"is_blocking", P::kBool},
    {"is_listening", P::kBool},
    {"options", P::kDictionary},
    {"socket_type", P::kEnum, false, "SOCK_STREAM SOCK_DGRAM SOCK_RAW SOCK_RDM SOCK_SEQPACKET"},
    {"socket_descriptor", P::kInteger, false, {}, 0},
    {"socket_handle", P::kInteger},
};
constexpr PropSpec kTcpExt[] = {
    {"src_flags_hex", P::kHex},
    {"dst_flags_hex", P::kHex},
};
constexpr PropSpec kWindowsProcessExt[] = {
    {"aslr_enabled", P::kBool},
    {"dep_enabled", P::kBool},
    {"priority", P::kString},
    {"owner_sid", P::kString},
    {"window_title", P::kString},
    {"startup_info", P::kDictionary},
    {"integrity_level", P::kEnum, false, "low medium high system"},
};
constexpr PropSpec kWindowsServiceExt[] = {
    {"service_name", P::kString},
    {"descriptions", P::kStringList},
    {"display_name", P::kString},
    {"group_name", P::kString},
    {"start_type", P::kString},
    {"service_dll_refs", P::kRefList, false, "file"},
    {"service_type", P::kString},
    {"service_status", P::kString},
};
constexpr PropSpec kUnixAccountExt[] = {
    {"gid", P::kInteger},
    {"groups", P::kStringList},
    {"home_dir", P::kString},
    {"shell", P::kString},
};

struct ExtensionSpec {
  std::string_view type;
  std::string_view name;
  std::span<const PropSpec> props;
};
constexpr ExtensionSpec kExtensions[] = {
    {"file", "archive-ext", kArchiveExt},
    {"file", "ntfs-ext", kNtfsExt},
    {"file", "pdf-ext", kPdfExt},
    {"file", "raster-image-ext", kRasterImageExt},
    {"file", "windows-pebinary-ext", kPeBinaryExt},
    {"network-traffic", "http-request-ext", kHttpRequestExt},
    {"network-traffic", "icmp-ext", kIcmpExt},
    {"network-traffic", "socket-ext", kSocketExt},
    {"network-traffic", "tcp-ext", kTcpExt},
    {"process", "windows-process-ext", kWindowsProcessExt},
    {"process", "windows-service-ext", kWindowsServiceExt},
    {"user-account", "unix-account-ext", kUnixAccountExt},
};

}  // namespace

const TypeSpec* FindType(std::string_view type) {
  // 42 entries: a linear scan over short strings (length compared first) beats hashing here.
  for (const TypeSpec& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

std::span<const TypeSpec> AllTypes() { return kTypes; }

std::span<const PropSpec> CommonProps(Kind kind) {
  switch (kind) {
    case Kind::kCyberObservable:
      return kCommonSco;
    case Kind::kMarkingDefinition:
      return kCommonMarking;
    case Kind::kCustom:
      return kCommonCustom;
    default:
      return kCommonSdo;
  }
}

std::span<const PropSpec> PredefinedExtension(std::string_view type, std::string_view name,
                                              bool* known) {
  for (const ExtensionSpec& e : kExtensions) {
    if (e.type == type && e.name == name) {
      *known = true;
      return e.props;
    }
  }
  *known = false;
  return {};
}

}  // namespace tadamun::stix::internal
