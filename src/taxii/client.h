// Client: a TAXII 2.1 client over a Transport (taxii/http_client.h): discovery, API root,
// collections, paged GET objects, POST objects, GET status.
//
// Responses are checked strictly: the HTTP status the resource must answer with, the
// Content-Type (application/taxii+json;version=2.1), and the JSON shape of the resource. A
// failure is a Status whose message names the method and URL, the HTTP status, and the
// server's error resource (title and description) when it sent one, e.g.
//   GET https://cert.example/taxii2/api/collections/x/objects/: HTTP 404 Collection not found:
//   no collection 'x' in this API root
// Codes: PermissionDenied (401, 403), NotFound (404), ResourceExhausted (413, or a response
// over the transport's limit), Unavailable (network, 429, 5xx), FailedPrecondition (a response
// that is not what TAXII 2.1 prescribes), InvalidArgument (other 4xx).
//
// Paths are relative to the transport's origin; an API root path ends with '/'.
//
// Thread-safety: like its Transport, one thread at a time. Borrows the transport.
//
//   taxii::Client client(transport.get(), {.authorization = "Bearer " + token});
//   TADAMUN_ASSIGN_OR_RETURN(std::string root, client.ResolveApiRoot(url.path));
//   TADAMUN_ASSIGN_OR_RETURN(ObjectsPage page, client.GetObjects(root, id, {.limit = 1000}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "taxii/http_client.h"
#include "taxii/request.h"

namespace tadamun::taxii {

struct ClientOptions {
  // Value of the Authorization header sent with every request ("Bearer …" or "Basic …");
  // empty: none. Never logged or put in messages.
  std::string authorization;
  uint32_t max_json_depth = 64;  // deepest nesting accepted in a response
};

struct DiscoveryInfo {
  std::string title;
  std::string description;
  std::string default_root;            // as sent (may be a full URL or a path); "" if none
  std::vector<std::string> api_roots;  // as sent
};

struct ApiRootInfo {
  std::string title;
  std::string description;
  std::vector<std::string> versions;
  uint64_t max_content_length = 0;
};

struct CollectionInfo {
  std::string id;
  std::string title;
  std::string description;
  bool can_read = false;
  bool can_write = false;
  std::vector<std::string> media_types;
};

struct GetObjectsOptions {
  std::string added_after;         // "" : none
  uint64_t limit = 0;              // 0: the server's default page size
  std::string next;                // "" : first page
  std::vector<std::string> types;  // match[type]
  std::string versions;            // match[version] ("all", "first", ...); "" : the latest
};

// One page of GET objects.
struct ObjectsPage {
  bool more = false;
  std::string next;     // the cursor of the next page ("" when the server sent none)
  uint64_t count = 0;   // objects on the page
  std::string objects;  // the page's objects as a JSON array text ("[]" when empty)
  // X-TAXII-Date-Added-First/Last, "" when absent (allowed only for an empty page).
  std::string date_added_first;
  std::string date_added_last;
};

struct StatusDetail {
  std::string id;
  std::string version;
  std::string message;
};

// A TAXII status resource (section 4.3.1).
struct StatusResource {
  std::string id;
  std::string status;  // "complete" or "pending"
  std::string request_timestamp;
  uint64_t total_count = 0;
  uint64_t success_count = 0;
  uint64_t failure_count = 0;
  uint64_t pending_count = 0;
  std::vector<StatusDetail> successes;
  std::vector<StatusDetail> failures;
  std::vector<StatusDetail> pendings;
};

class Client {
 public:
  Client(Transport* transport, ClientOptions options)
      : transport_(transport), options_(std::move(options)) {}

  StatusOr<DiscoveryInfo> Discover(const std::string& path);
  // The API root a user-given path names: the path itself when it answers as an API root, or
  // the default (else only) API root of a discovery resource at that path. The result is a
  // path on the same origin; a discovery pointing to another origin is FailedPrecondition.
  StatusOr<std::string> ResolveApiRoot(const std::string& path);
  StatusOr<ApiRootInfo> GetApiRoot(const std::string& api_root);
  StatusOr<std::vector<CollectionInfo>> GetCollections(const std::string& api_root);
  StatusOr<CollectionInfo> GetCollection(const std::string& api_root, const std::string& id);
  StatusOr<ObjectsPage> GetObjects(const std::string& api_root, const std::string& collection,
                                   const GetObjectsOptions& options);
  // Posts `envelope` (the text of {"objects":[...]}) and returns the status resource of the
  // 202 answer.
  StatusOr<StatusResource> PostObjects(const std::string& api_root, const std::string& collection,
                                       std::string envelope);
  StatusOr<StatusResource> GetStatus(const std::string& api_root, const std::string& status_id);

  Transport& transport() { return *transport_; }

 private:
  // Sends, then checks the HTTP status (`expect`) and the media type; the error resource of a
  // failed request becomes the Status message.
  StatusOr<Response> Call(Request request, int expect);
  std::string Where(const Request& request) const;

  Transport* transport_;
  ClientOptions options_;
};

// Whether a Content-Type value is application/taxii+json;version=2.1 (parameters in any case
// and spacing; a missing version is not accepted).
bool IsTaxiiMediaType(std::string_view content_type);

// A URL path segment (collection or object id) as sent: InvalidArgument unless it is made of
// RFC 3986 unreserved characters (letters, digits, '-', '.', '_', '~') and not "." or "..".
Status CheckPathSegment(std::string_view segment, std::string_view what);

}  // namespace tadamun::taxii
