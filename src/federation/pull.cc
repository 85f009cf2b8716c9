#include "federation/pull.h"

#include "base/timestamp.h"

namespace tadamun::federation {

std::string NextAddedAfter(const std::string& current, const std::string& date_added_last,
                           bool more) {
  auto last = Timestamp::Parse(date_added_last);
  if (date_added_last.empty() || !last.ok()) return current;
  // With more to come, objects dated exactly `last` may continue on the next page: everything
  // strictly before it has been received (pages are in date_added order). Without, everything
  // up to `last` has. Cursors keep microseconds (rounded down: at worst a few objects are
  // asked for again).
  Timestamp safe = Timestamp::FromUnixMicros(last->UnixMicros() - (more ? 1 : 0));
  if (!current.empty()) {
    auto now = Timestamp::Parse(current);
    if (now.ok() && *now >= safe) return current;
  }
  return safe.WithDigits(6).ToString();
}

StatusOr<PullReport> Pull(taxii::Client* client, store::Store* store, const PageImporter& import,
                          const PullOptions& options) {
  PullReport report;
  TADAMUN_ASSIGN_OR_RETURN(taxii::CollectionInfo remote,
                           client->GetCollection(options.api_root, options.collection));
  if (!remote.can_read) {
    return Status::PermissionDenied(options.source + "collections/" + options.collection +
                                    "/: the collection does not allow this member to read it");
  }
  report.into = options.into.empty() ? options.collection : options.into;
  if (auto local = store->GetCollection(report.into); !local.ok()) {
    if (local.status().code() != StatusCode::kNotFound) return local.status();
    TADAMUN_RETURN_IF_ERROR(
        store->CreateCollection({report.into, remote.title, remote.description, ""}));
  }
  TADAMUN_ASSIGN_OR_RETURN(auto stored, store->GetSyncCursor(options.source, options.collection));
  store::SyncCursor cursor;
  if (stored) cursor = *stored;
  cursor.source = options.source;
  cursor.collection = options.collection;
  report.added_after_before = cursor.added_after;

  taxii::GetObjectsOptions get;
  get.limit = options.page_size;
  get.added_after = cursor.added_after;
  if (!cursor.next.empty()) {
    get.added_after = cursor.next_added_after;
    get.next = cursor.next;
    report.resumed = true;
  }
  const std::string source_name = options.source + "collections/" + options.collection + "/";
  while (true) {
    auto page = client->GetObjects(options.api_root, options.collection, get);
    if (!page.ok() && report.resumed && report.pages == 0 && !report.restarted &&
        (page.status().code() == StatusCode::kInvalidArgument ||
         page.status().code() == StatusCode::kNotFound)) {
      // The interrupted run's token is no longer accepted: start again from added_after.
      report.restarted = true;
      get.next.clear();
      get.added_after = cursor.added_after;
      continue;
    }
    if (!page.ok()) {
      return page.status().WithPrefix(
          "pull stopped after " + std::to_string(report.pages) + " committed page(s); the " +
          "cursor stands at added_after=" +
          (cursor.added_after.empty() ? std::string("(start)") : cursor.added_after));
    }
    if (page->count > 0) {
      if (page->date_added_last.empty()) report.missing_dates = true;
      PageImport p{&page->objects, report.into, source_name};
      const uint64_t bytes = page->objects.size();
      TADAMUN_ASSIGN_OR_RETURN(PageResult result, import(p));
      if (!result.committed) {
        return Status::FailedPrecondition(
            source_name + ": page " + std::to_string(report.pages + 1) + " rejected (" +
            std::to_string(result.errors) + " error(s); nothing of it was stored; the cursor "
            "stays at added_after=" +
            (cursor.added_after.empty() ? std::string("(start)") : cursor.added_after) +
            "): " + result.first_error);
      }
      ++report.pages;
      report.objects += page->count;
      report.added += result.added;
      report.unchanged += result.unchanged;
      report.bytes += bytes;
      cursor.objects += page->count;
      cursor.added_after = NextAddedAfter(cursor.added_after, page->date_added_last, page->more);
    }
    if (page->more) {
      cursor.next = page->next;
      cursor.next_added_after = get.added_after;
    } else {
      cursor.next.clear();
      cursor.next_added_after.clear();
    }
    if (page->count > 0 || (stored && !stored->next.empty())) {
      TADAMUN_RETURN_IF_ERROR(store->PutSyncCursor(cursor).WithPrefix(
          "page " + std::to_string(report.pages) + " is stored but its cursor could not be "
          "saved (the next pull asks for it again)"));
    }
    if (options.progress) options.progress({report.pages, report.objects, report.bytes});
    if (!page->more) {
      report.finished = true;
      break;
    }
    if (options.max_pages != 0 && report.pages >= options.max_pages) break;
    get.next = page->next;
  }
  report.added_after_after = cursor.added_after;
  return report;
}

}  // namespace tadamun::federation
