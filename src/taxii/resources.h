// Server: the TAXII 2.1 resources of one node as pure functions Request → Response over its
// store. No sockets and no threads: the HTTP server (a later session) parses the wire into a
// taxii::Request, calls Handle and writes the Response back.
//
// Resources (paths relative to the options' discovery and API root paths, trailing '/' kept):
//   GET /taxii2/                                           discovery
//   GET <api>/                                             API root
//   GET <api>/collections/                                 collections
//   GET <api>/collections/{id}/                            one collection
//   GET <api>/collections/{id}/objects/                    envelope of objects (filters, paging)
//   GET <api>/collections/{id}/objects/{object-id}/        envelope of one object's versions
//   GET <api>/collections/{id}/objects/{object-id}/versions/   the object's version list
//   GET <api>/collections/{id}/manifest/                   manifest records
//   POST <api>/collections/{id}/objects/                   add objects (answers a status)
//   DELETE <api>/collections/{id}/objects/{object-id}/     remove an object (match[version])
//   GET <api>/status/{status-id}/                          the status of an earlier POST
// Every resource needs an authenticated member (taxii/access.h: Basic or Bearer API token, 401
// otherwise), except discovery when ServerOptions::public_discovery is set. A collection the
// member has no rights on is a 404 exactly like an unknown one; `collections` lists only the
// collections the member may read or write, with the member's own can_read/can_write.
// Objects, manifest and versions responses carry X-TAXII-Date-Added-First/Last (when not empty)
// and page with `limit` and an opaque `next` cursor. The cursor holds the last row's sequence
// number and a fingerprint of the filters (base64url), so it needs no server memory, survives
// restarts, and is refused (400) with different filters. Errors are TAXII error resources
// (400 bad parameter, 404 unknown collection/object, 405 wrong method, 406 Accept without the
// TAXII media type). Unknown query parameters are refused with 400 rather than ignored, so a
// typo ("match[typ]") does not silently widen a query.
//
// Thread-safety: a Server borrows the Store; use it from the Store's thread only.
//
//   taxii::Server server(node->store(), {.api_root_title = "CERT-XY"});
//   taxii::Request r{.path = "/taxii2/api/collections/"};
//   taxii::Response resp = server.Handle(r);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "stix/validate.h"
#include "store/store.h"
#include "taxii/access.h"
#include "taxii/request.h"

namespace tadamun::taxii {

struct ServerOptions {
  std::string title = "Tadamun TAXII 2.1 server";  // discovery title
  std::string description;                          // discovery description (omitted if empty)
  std::string contact;                              // discovery contact (omitted if empty)
  std::string discovery_path = "/taxii2/";
  // Serve discovery without authentication (DESIGN.md: "nothing readable without auth except
  // TAXII discovery if configured public"; it reveals the title, description, contact and the
  // API root URLs only, and ignores any credentials sent). Default false: every resource,
  // discovery included, needs a member's token.
  bool public_discovery = false;
  std::string public_url;  // prefix of the URLs in discovery ("https://host:8443"); "" relative
  // The one API root; absolute, ends with '/'. Under /taxii2/ so that the node's own REST API
  // can have /api/ (DESIGN.md: "TAXII 2.1 under /taxii2/").
  std::string api_root_path = "/taxii2/api/";
  std::string api_root_title = "Tadamun";
  std::string api_root_description;
  uint64_t max_content_length = uint64_t{10} << 20;  // largest POST body accepted, bytes
  uint64_t default_page_size = 100;                  // objects per page without `limit`
  uint64_t max_page_size = 1000;                     // larger `limit` values are lowered to it
  // Validation of POSTed objects; the node plugs the pattern engine's check in
  // (node::NodeValidation()).
  stix::ValidationOptions validation;
  // Called after a POST or DELETE has committed a change to the store (e.g. to record it in the
  // node's audit log). May be called from several threads at once; empty: nothing is called.
  std::function<void()> after_write;
};

// Which resource a set of query parameters is for (each allows different filters).
enum class Endpoint { kObjects, kObject, kVersions, kManifest };

// The filters and paging of one request, parsed.
struct Filters {
  store::Query query;       // ids/types/versions/spec_versions/added_after/after_seq set
  uint64_t page_size = 0;   // rows per page
  std::string fingerprint;  // hex digest of the filters, what a `next` cursor is bound to
};

// Parses added_after, match[id], match[type], match[version], match[spec_version], limit and
// next (whichever `endpoint` allows). InvalidArgument naming the parameter, the value and what
// was expected. match[...] values are comma-separated lists; repeated parameters add up.
// `scope` (collection and object id) is part of the fingerprint, so a cursor only continues
// the listing it came from.
StatusOr<Filters> ParseFilters(const std::multimap<std::string, std::string>& params,
                               Endpoint endpoint, const ServerOptions& options,
                               std::string_view scope = "");

// The `next` cursor: base64url("1:" seq ":" fingerprint). DecodeCursor checks the fingerprint.
std::string EncodeCursor(int64_t seq, std::string_view fingerprint);
StatusOr<int64_t> DecodeCursor(std::string_view cursor, std::string_view fingerprint);

// A TAXII error resource response (Content-Type set, http_status as a string in the body).
Response ErrorResponse(int http_status, std::string_view title, std::string_view description);
// A response with a TAXII JSON body (Content-Type application/taxii+json;version=2.1).
Response JsonResponse(int http_status, std::string body);
// The 500 error resource for a store operation that failed.
Response StoreErrorResponse(const Status& status);

class Server {
 public:
  Server(store::Store& store, ServerOptions options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Authenticates the caller (sets request.member), checks the method and Accept, routes on
  // the path, calls the resource below. Takes the request by value: move a large POST in.
  Response Handle(Request request);

  // The resources (method and Accept already checked by Handle; they do not re-check).
  Response Discovery(const Request& request);
  Response ApiRoot(const Request& request);
  Response Collections(const Request& request);
  Response GetCollection(const Request& request, const std::string& collection_id);
  Response GetObjects(const Request& request, const std::string& collection_id);
  Response GetObject(const Request& request, const std::string& collection_id,
                     const std::string& object_id);
  Response Versions(const Request& request, const std::string& collection_id,
                    const std::string& object_id);
  Response Manifest(const Request& request, const std::string& collection_id);
  // POST objects: validates the envelope's objects, stores the valid ones in one transaction,
  // answers 202 with a status resource (write.cc).
  Response PostObjects(const Request& request, const std::string& collection_id);
  // DELETE one object (all versions, or those match[version] selects) from the collection.
  Response DeleteObject(const Request& request, const std::string& collection_id,
                        const std::string& object_id);
  // GET the status resource of an earlier POST.
  Response GetStatus(const Request& request, const std::string& status_id);

  const ServerOptions& options() const { return options_; }

 private:
  enum class Shape { kEnvelope, kManifest, kVersions };
  // Objects/object/manifest/versions share one paged scan; `object_id` empty: any object.
  Response Paged(const Request& request, const std::string& collection_id,
                 const std::string& object_id, Endpoint endpoint, Shape shape);
  // The error response when the collection does not exist or the caller may not `need` it
  // (404 when the caller may not even see it, so its existence is not revealed; 403 when it may
  // read but not write); nullopt when access is allowed.
  std::optional<Response> CheckCollection(const Request& request, const std::string& collection_id,
                                          Access need);
  // The caller's rights on an existing collection into *rights; the 404 response (identical
  // for unknown and unseen collections) or a 500 otherwise.
  std::optional<Response> LookUpRights(const Request& request, const std::string& collection_id,
                                       store::Rights* rights);

  store::Store& store_;
  ServerOptions options_;
};

}  // namespace tadamun::taxii
