#include "node/import.h"

#include <optional>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "pattern/check.h"

namespace tadamun::node {

stix::ValidationOptions NodeValidation() {
  stix::ValidationOptions options;
  options.check_stix_pattern = [](std::string_view text) { return pattern::Check(text); };
  return options;
}

StatusOr<ImportReport> ImportDocument(store::Store* store, std::string* text,
                                      const ImportOptions& options) {
  ImportReport report;
  report.digest = HexEncode(crypto::Sha256(*text));
  TADAMUN_ASSIGN_OR_RETURN(
      auto import,
      store->BeginImport({options.source_kind, options.source_name, report.digest},
                         options.collection));
  stix::ReadOptions read = options.read;
  read.check_duplicates = false;  // the store detects clashes without keeping every object
  size_t first = text->find_first_not_of(" \t\r\n");
  const bool bundle = first != std::string::npos && (*text)[first] == '{';
  uint64_t kept_issues = 0;
  std::optional<json::PositionTracker> positions;  // made once ParseStreaming padded the text
  Status read_status = stix::ReadObjects(
      text, read,
      [&](stix::Object&& object) -> Status {
        if (options.progress && report.summary.objects % 1024 == 0) {
          options.progress(object.json.offset(), report.summary.objects);
        }
        if (report.summary.errors > 0) return Status::Ok();  // rolled back anyway
        auto added = import->Add(object);
        if (added.ok()) return Status::Ok();
        if (added.status().code() != StatusCode::kInvalidArgument) return added.status();
        // A clash with a stored version: an error of this object, like a validation error.
        ++report.summary.errors;
        if (kept_issues++ < read.max_issues) {
          stix::Issue issue;
          issue.object_id = object.id;
          issue.pointer = (bundle ? "/objects/" : "/") + std::to_string(report.summary.objects - 1);
          issue.offset = object.json.offset();
          if (!positions) positions.emplace(std::string_view(*text));
          json::TextPosition pos = positions->At(issue.offset);
          issue.line = pos.line;
          issue.column = pos.column;
          issue.message = added.status().message();
          report.issues.push_back(std::move(issue));
        }
        return Status::Ok();
      },
      &report.issues, &report.summary);
  if (!read_status.ok()) return read_status;  // `import` rolls back when destroyed
  if (options.progress) options.progress(text->size(), report.summary.objects);
  if (report.summary.errors > 0) {
    import->Rollback();
    return report;
  }
  report.added = import->added();
  report.unchanged = import->unchanged();
  report.date_added = import->date_added();
  TADAMUN_RETURN_IF_ERROR(import->Commit());
  report.committed = true;
  return report;
}

}  // namespace tadamun::node
