// The resources that change a node's store or report on a change: POST objects, DELETE object
// and the status resource (declared in resources.h).
#include "taxii/resources.h"

namespace tadamun::taxii {

Response Server::PostObjects(const Request& request, const std::string& collection_id) {
  if (auto r = CheckCollection(request, collection_id, Access::kWrite)) return std::move(*r);
  return ErrorResponse(501, "Not implemented", "POST objects is not implemented yet");
}

Response Server::DeleteObject(const Request& request, const std::string& collection_id,
                              const std::string& object_id) {
  if (auto r = CheckCollection(request, collection_id, Access::kWrite)) return std::move(*r);
  return ErrorResponse(501, "Not implemented", "DELETE object is not implemented yet");
}

Response Server::GetStatus(const Request& request, const std::string& status_id) {
  return ErrorResponse(404, "Status not found",
                       "no status '" + status_id.substr(0, 200) + "' on this API root");
}

}  // namespace tadamun::taxii
