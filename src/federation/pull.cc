#include "federation/pull.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "base/timestamp.h"

namespace tadamun::federation {
namespace {

// Fetches the following pages on its own thread while the caller stores the current one, so
// the remote server's work and the transfer overlap with the import. Holds at most kDepth
// pages. The client is used only by this thread from construction to destruction.
class Prefetcher {
 public:
  static constexpr size_t kDepth = 2;
  struct Fetched {
    StatusOr<taxii::ObjectsPage> page;
    double seconds = 0;
  };

  Prefetcher(taxii::Client* client, const PullOptions& options, taxii::GetObjectsOptions get)
      : thread_([this, client, options, get]() mutable { Run(client, options, std::move(get)); }) {}
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next page in order (blocks until it has arrived).
  Fetched Next() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty(); });
    Fetched f = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return f;
  }

 private:
  void Run(taxii::Client* client, const PullOptions& options, taxii::GetObjectsOptions get) {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || queue_.size() < kDepth; });
        if (stop_) return;
      }
      auto t0 = std::chrono::steady_clock::now();
      Fetched f{client->GetObjects(options.api_root, options.collection, get), 0};
      f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const bool last = !f.page.ok() || !f.page->more;
      if (!last) get.next = f.page->next;
      {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_back(std::move(f));
      }
      cv_.notify_all();
      if (last) return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Fetched> queue_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

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
  get.versions = "all";  // a copy keeps every version, as the node itself does
  get.added_after = cursor.added_after;
  if (!cursor.next.empty()) {
    get.added_after = cursor.next_added_after;
    get.next = cursor.next;
    report.resumed = true;
  }
  const std::string source_name = options.source + "collections/" + options.collection + "/";
  auto where = [&] {
    return "the cursor stands at added_after=" +
           (cursor.added_after.empty() ? std::string("(start)") : cursor.added_after);
  };

  // Pages received but not stored yet: stored together once they hold batch_objects objects,
  // at the last page, and before returning an error.
  struct Batch {
    std::string objects = "[";
    uint64_t count = 0;
    uint64_t pages = 0;
    uint64_t bytes = 0;
    std::string date_added_last;  // of its last non-empty page
    bool more = false;            // of its last page
    std::string next;
  } batch;
  bool cursor_dirty = stored && !stored->next.empty();
  auto flush = [&]() -> Status {
    if (batch.count > 0) {
      batch.objects += ']';
      auto t0 = std::chrono::steady_clock::now();
      PageImport p{&batch.objects, report.into, source_name};
      TADAMUN_ASSIGN_OR_RETURN(PageResult result, import(p));
      report.import_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!result.committed) {
        const uint64_t first = report.pages + 1, last = report.pages + batch.pages;
        return Status::FailedPrecondition(
            source_name + ": page" +
            (first == last ? " " + std::to_string(first)
                           : "s " + std::to_string(first) + "-" + std::to_string(last)) +
            " rejected (" + std::to_string(result.errors) + " error(s); nothing of " +
            (first == last ? "it" : "them") + " was stored; " + where() +
            "): " + result.first_error);
      }
      report.pages += batch.pages;
      report.objects += batch.count;
      report.added += result.added;
      report.unchanged += result.unchanged;
      report.bytes += batch.bytes;
      cursor.objects += batch.count;
      cursor.added_after = NextAddedAfter(cursor.added_after, batch.date_added_last, batch.more);
      cursor_dirty = true;
    }
    if (batch.pages > 0 || batch.count > 0 || cursor_dirty) {
      cursor.next = batch.more ? batch.next : "";
      cursor.next_added_after = batch.more ? get.added_after : "";
    }
    if (cursor_dirty) {
      TADAMUN_RETURN_IF_ERROR(store->PutSyncCursor(cursor).WithPrefix(
          "pages up to " + std::to_string(report.pages) +
          " are stored but the cursor could "
          "not be saved (the next pull asks for them again)"));
      cursor_dirty = false;
    }
    batch = Batch();
    if (options.progress) options.progress({report.pages, report.objects, report.bytes});
    return Status::Ok();
  };

  std::unique_ptr<Prefetcher> prefetcher;
  uint64_t received = 0;  // pages received in this run
  while (true) {
    auto t0 = std::chrono::steady_clock::now();
    StatusOr<taxii::ObjectsPage> page = Status::Internal("no page");
    if (prefetcher) {
      page = prefetcher->Next().page;
    } else {
      page = client->GetObjects(options.api_root, options.collection, get);
    }
    report.fetch_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!page.ok() && report.resumed && received == 0 && !report.restarted &&
        (page.status().code() == StatusCode::kInvalidArgument ||
         page.status().code() == StatusCode::kNotFound)) {
      // The interrupted run's token is no longer accepted: start again from added_after.
      report.restarted = true;
      get.next.clear();
      get.added_after = cursor.added_after;
      continue;
    }
    if (!page.ok()) {
      // What arrived before the error is stored; then the error.
      TADAMUN_RETURN_IF_ERROR(flush());
      return page.status().WithPrefix("pull stopped after " + std::to_string(report.pages) +
                                      " committed page(s); " + where());
    }
    if (page->more && !prefetcher) {
      // From now on the following pages come while this one is stored.
      taxii::GetObjectsOptions following = get;
      following.next = page->next;
      prefetcher = std::make_unique<Prefetcher>(client, options, following);
    }
    ++received;
    if (page->count > 0) {
      if (page->date_added_last.empty()) report.missing_dates = true;
      if (batch.count > 0) batch.objects += ',';
      // page->objects is "[...]": its inside joins the batch's array.
      batch.objects.append(page->objects, 1, page->objects.size() - 2);
      batch.count += page->count;
      batch.bytes += page->objects.size();
      batch.date_added_last = page->date_added_last;
      ++batch.pages;
    }
    batch.more = page->more;
    batch.next = page->next;
    const bool stop = !page->more || (options.max_pages != 0 && received >= options.max_pages);
    if (stop || batch.count >= std::max<uint64_t>(1, options.batch_objects)) {
      TADAMUN_RETURN_IF_ERROR(flush());
    }
    if (stop) {
      report.finished = !page->more;
      break;
    }
  }
  report.added_after_after = cursor.added_after;
  return report;
}

}  // namespace tadamun::federation
