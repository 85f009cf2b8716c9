#include "stix/sco_id.h"

#include <gtest/gtest.h>

#include <fstream>

#include "stix/tlp.h"
#include "stix/validate.h"

namespace tadamun::stix {
namespace {

json::Value J(std::string_view text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : json::Value();
}

TEST(CanonicalJsonTest, SortsKeysByUtf16CodeUnits) {
  // RFC 8785 §3.2.3: the emoji (a surrogate pair, D83D DE00) sorts before U+FB33 although its
  // code point is larger, and UTF-8 byte order would put it last.
  json::Value v = J(R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Dalet","1":"One",)"
                    R"("\ud83d\ude00":"Emoji","\u0080":"Control","\u00f6":"o"})");
  EXPECT_EQ(*CanonicalJson(v),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"o\","
            "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji\",\"\xef\xac\xb3\":\"Dalet\"}");
}

TEST(CanonicalJsonTest, EscapesMinimallyAndNests) {
  json::Value v = J(R"({"b":[true,false,null,{"z":1,"a":"x\"\\\n\u0001\u007f/"}],"a":{}})");
  EXPECT_EQ(*CanonicalJson(v),
            "{\"a\":{},\"b\":[true,false,null,{\"a\":\"x\\\"\\\\\\n\\u0001\x7f/\",\"z\":1}]}");
}

TEST(CanonicalJsonTest, NumbersInEcmaScriptForm) {
  // Expected strings printed by node's JSON.stringify (ECMAScript Number::toString) for the same
  // literals, run once while writing this test.
  const std::pair<const char*, const char*> cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"-0.0", "0"},
      {"1e21", "1e+21"},
      {"1e20", "100000000000000000000"},
      {"0.000001", "0.000001"},
      {"1e-7", "1e-7"},
      {"123e-20", "1.23e-18"},
      {"0.1", "0.1"},
      {"333333333.3333333", "333333333.3333333"},
      {"9007199254740992", "9007199254740992"},
      {"9007199254740993", "9007199254740992"},
      {"1.5", "1.5"},
      {"5e-324", "5e-324"},
      {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"-1.5e-9", "-1.5e-9"},
      {"100", "100"},
      {"1E2", "100"},
      {"12345678901234567890", "12345678901234567000"},
      {"7.980693", "7.980693"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(*CanonicalJson(J(in)), want) << in;
  }
  EXPECT_FALSE(CanonicalJson(json::Value::NumberText("1e400")).has_value());  // not finite
}

TEST(CanonicalJsonTest, NumbersMatchNodeOnGeneratedInputs) {
  // tests/data/stix/jcs-numbers.tsv: 400 seeded random numbers (decimal, integer, random bit
  // patterns, exponents) with node's JSON.stringify output for each.
  std::ifstream in(std::string(TADAMUN_TEST_DATA_DIR) + "/stix/jcs-numbers.tsv");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string text = line.substr(0, tab);
    auto parsed = json::Parse(text);
    if (!parsed.ok()) continue;  // outside the range the JSON layer accepts
    std::optional<std::string> got = CanonicalJson(*parsed);
    ASSERT_TRUE(got.has_value()) << text;
    EXPECT_EQ(*got, line.substr(tab + 1)) << text;
    ++checked;
  }
  EXPECT_GE(checked, 350);
}

TEST(Uuid5Test, MatchesRfc4122AppendixB) {
  // RFC 4122 errata / Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
  EXPECT_EQ(*Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_FALSE(Uuid5("not-a-uuid", "x").has_value());
}

TEST(ScoIdTest, ReferenceImplementationVector) {
  // cti-python-stix2 stix2/test/v21/test_observed_data.py,
  // test_id_gen_recursive_dict_conversion_1: nested extension object with a float.
  json::Value file = J(R"({"type":"file","name":"example.exe","size":68000,
    "magic_number_hex":"50000000",
    "hashes":{"SHA-256":"841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649"},
    "extensions":{"windows-pebinary-ext":{"pe_type":"exe","machine_hex":"014c",
      "sections":[{"name":".data","size":4096,"entropy":7.980693,
        "hashes":{"SHA-256":"6e3b6f3978e5cd96ba7abee35c24e867b7e64072e2ecb22d0ee7a6e6af6894d0"}}]}}})");
  EXPECT_EQ(*ComputeScoId(file), "file--ced31cd4-bdcb-537d-aefa-92d291bfc11d");
}

TEST(ScoIdTest, IndependentComputations) {
  // Expected ids computed once with python3:
  //   uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
  //              json.dumps(props, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
  // where props holds the ID contributing properties (one hash chosen MD5 > SHA-1 > SHA-256).
  const std::pair<const char*, const char*> cases[] = {
      {R"({"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3","resolves_to_refs":["mac-addr--65cfcf98-8a6e-5a1b-8f61-379ac4f92d00"]})",
       "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"},
      {R"({"type":"domain-name","value":"example.com","spec_version":"2.1"})",
       "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
      {R"({"type":"url","value":"https://example.com/research/index.html"})",
       "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"},
      {R"({"type":"file","size":1,"name":"foo.dll","hashes":{"SHA-256":"fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}})",
       "file--949eb97a-da1e-5292-8959-03c4249dc9f3"},
      // MD5 is preferred over SHA-256 whatever the order written.
      {R"({"type":"file","name":"qwerty.dll","hashes":{"SHA-256":"fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db","MD5":"3773a88f65a5e780c8dff9cdc3a056f3"}})",
       "file--47f78a01-3156-510d-b6f4-6724a682fe60"},
      {R"({"type":"autonomous-system","number":15139,"name":"Slime Industries"})",
       "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"},
      {R"({"type":"email-addr","value":"jdoe@example.com","display_name":"John"})",
       "email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"},
      {R"({"type":"network-traffic","src_ref":"ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956","dst_ref":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","dst_port":443,"protocols":["ipv4","tcp"],"src_byte_count":10})",
       "network-traffic--35725959-a4f4-531c-80a6-6441e5cfe2a9"},
      {R"({"type":"user-account","user_id":"1001","account_login":"jdoe","account_type":"unix","display_name":"J"})",
       "user-account--f94d689e-707d-58c3-b803-c720bb6ed096"},
      {R"({"type":"windows-registry-key","key":"hkey_local_machine\\system\\bar\\foo","values":[{"name":"Foo","data":"qwerty","data_type":"REG_SZ"}],"number_of_subkeys":2})",
       "windows-registry-key--5f15b061-9c3d-5ea8-93b8-72468f206c1a"},
      {R"({"type":"software","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*","vendor":"Microsoft","version":"2002","languages":["en"]})",
       "software--710b0b41-d4d0-5d6c-a400-fc9254554ffc"},
      {R"({"type":"mutex","name":"__CLEANSWEEP__"})", "mutex--f93fe911-e545-5239-b9b0-597840d0c871"},
      {R"({"type":"directory","path":"C:\\Windows\\System32","path_enc":"cp1252"})",
       "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622"},
      {R"({"type":"file","name":"r\u00e9sum\u00e9.pdf"})", "file--7dd53080-4845-501c-a9e3-90dd003cb77b"},
      {R"({"type":"x509-certificate","serial_number":"36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06","issuer":"C=ZA"})",
       "x509-certificate--bf86f034-2390-54d7-8426-d08433db3fbe"},
  };
  for (const auto& [in, want] : cases) {
    std::optional<std::string> id = ComputeScoId(J(in));
    ASSERT_TRUE(id.has_value()) << in;
    EXPECT_EQ(*id, want) << in;
  }
}

TEST(ScoIdTest, NoDeterministicId) {
  EXPECT_FALSE(ComputeScoId(J(R"({"type":"process","pid":1})")).has_value());  // no properties
  EXPECT_FALSE(ComputeScoId(J(R"({"type":"email-message","is_multipart":false})")).has_value());
  EXPECT_FALSE(ComputeScoId(J(R"({"type":"indicator","value":"x"})")).has_value());
  EXPECT_FALSE(ComputeScoId(J(R"({"type":"x-custom","value":"x"})")).has_value());
  EXPECT_FALSE(ComputeScoId(J(R"({"value":"x"})")).has_value());
  EXPECT_EQ(ScoIdContributingProperties("file").size(), 4u);
  EXPECT_TRUE(ScoIdContributingProperties("process").empty());
}

TEST(ScoIdTest, ValidatorWarnsButAcceptsOtherIds) {
  // The STIX 2.1 specification's own ipv4-addr example id is not the computed one: a warning.
  json::Value v = J(R"({"type":"ipv4-addr","spec_version":"2.1",)"
                    R"("id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"})");
  std::vector<Issue> issues;
  ASSERT_TRUE(ValidateObject(v, "", &issues).has_value());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Severity::kWarning);
  EXPECT_EQ(issues[0].pointer, "/id");
  EXPECT_NE(issues[0].message.find("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"),
            std::string::npos);
  issues.clear();
  v.Set("id", json::Value::String("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"));
  ASSERT_TRUE(ValidateObject(v, "", &issues).has_value());
  EXPECT_TRUE(issues.empty());
  ValidationOptions quiet;
  quiet.check_sco_ids = false;
  v.Set("id", json::Value::String("ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"));
  ASSERT_TRUE(ValidateObject(v, "", &issues, quiet).has_value());
  EXPECT_TRUE(issues.empty());
}

TEST(TlpTest, PredefinedMarkings) {
  EXPECT_EQ(TlpMarkings().size(), 9u);
  EXPECT_EQ(*TlpName("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"), "TLP:WHITE");
  EXPECT_EQ(*TlpName("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"), "TLP:AMBER");
  EXPECT_EQ(*TlpName("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
            "TLP:AMBER+STRICT");
  EXPECT_EQ(*TlpName("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"), "TLP:CLEAR");
  EXPECT_FALSE(TlpName("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41db").has_value());
  const TlpMarking* red = FindTlpMarking("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
  ASSERT_NE(red, nullptr);
  EXPECT_EQ(red->version, 2);
  EXPECT_EQ(red->level, "red");
  // Every published object validates, and is recognised as itself.
  for (const TlpMarking& m : TlpMarkings()) {
    json::Value o = PredefinedTlpObject(m);
    std::vector<Issue> issues;
    EXPECT_TRUE(ValidateObject(o, "", &issues).has_value()) << m.id;
    EXPECT_TRUE(issues.empty()) << m.id << ": " << (issues.empty() ? "" : issues[0].message);
    std::string why;
    EXPECT_TRUE(MatchesPredefinedTlp(o, m, &why)) << why;
  }
}

}  // namespace
}  // namespace tadamun::stix
