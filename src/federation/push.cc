#include "federation/push.h"

#include <chrono>
#include <thread>

#include "base/timestamp.h"

namespace tadamun::federation {
namespace {

constexpr size_t kMaxFailureDetails = 100;
constexpr std::string_view kEnvelopeStart = "{\"objects\":[";
constexpr std::string_view kEnvelopeEnd = "]}";

}  // namespace

StatusOr<PushReport> Push(taxii::Client* client, store::Store* store, const PushOptions& options) {
  PushReport report;
  TADAMUN_ASSIGN_OR_RETURN(taxii::ApiRootInfo root, client->GetApiRoot(options.api_root));
  TADAMUN_ASSIGN_OR_RETURN(taxii::CollectionInfo remote,
                           client->GetCollection(options.api_root, options.collection));
  if (!remote.can_write) {
    return Status::PermissionDenied(options.source + "collections/" + options.collection +
                                    "/: the collection does not allow this member to write");
  }
  uint64_t limit = root.max_content_length;
  if (options.max_envelope_bytes != 0 && options.max_envelope_bytes < limit) {
    limit = options.max_envelope_bytes;
  }
  store::Query query;
  query.collection = options.from;
  query.versions = store::VersionSelection::All();
  if (!options.added_after.empty()) {
    auto t = Timestamp::Parse(options.added_after);
    if (!t.ok()) return t.status().WithPrefix("added_after");
    query.added_after = *t;
  }

  auto fail = [&](taxii::StatusDetail detail) {
    ++report.failures;
    if (report.failure_details.size() < kMaxFailureDetails) {
      report.failure_details.push_back(std::move(detail));
    }
  };
  auto account = [&](const taxii::StatusResource& s) {
    report.successes += s.success_count;
    report.pending += s.pending_count;
    report.failures += s.failure_count;
    for (const taxii::StatusDetail& d : s.failures) {
      if (report.failure_details.size() < kMaxFailureDetails) report.failure_details.push_back(d);
    }
  };
  std::string envelope(kEnvelopeStart);
  uint64_t in_envelope = 0;
  auto send = [&]() -> Status {
    if (in_envelope == 0) return Status::Ok();
    envelope += kEnvelopeEnd;
    report.bytes += envelope.size();
    TADAMUN_ASSIGN_OR_RETURN(
        taxii::StatusResource status,
        client->PostObjects(options.api_root, options.collection, std::move(envelope)));
    ++report.envelopes;
    report.status_ids.push_back(status.id);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.status_timeout_ms);
    while (status.status == "pending" && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.status_poll_ms));
      TADAMUN_ASSIGN_OR_RETURN(status, client->GetStatus(options.api_root, status.id));
    }
    account(status);
    envelope.assign(kEnvelopeStart);
    in_envelope = 0;
    if (options.progress) options.progress({report.envelopes, report.objects, report.bytes});
    return Status::Ok();
  };
  const uint64_t overhead = kEnvelopeStart.size() + kEnvelopeEnd.size();
  Status s = store->Scan(query, [&](const store::Row& row) -> Status {
    ++report.objects;
    if (row.json.size() + overhead > limit) {
      fail({row.id, row.version,
            "not sent: " + std::to_string(row.json.size()) +
                " bytes, larger than the server's max_content_length (" + std::to_string(limit) +
                " bytes) allows in an envelope"});
      return Status::Ok();
    }
    if (envelope.size() + 1 + row.json.size() + kEnvelopeEnd.size() > limit ||
        in_envelope == options.max_objects_per_envelope) {
      TADAMUN_RETURN_IF_ERROR(send());
    }
    if (in_envelope++ > 0) envelope += ',';
    envelope += row.json;
    return Status::Ok();
  });
  TADAMUN_RETURN_IF_ERROR(s);
  TADAMUN_RETURN_IF_ERROR(send());
  return report;
}

}  // namespace tadamun::federation
