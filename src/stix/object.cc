#include "stix/object.h"

namespace tadamun::stix {

std::string Object::Name() const {
  const json::Value* name = json.Find("name");
  return name != nullptr && name->is_string() ? name->str() : std::string();
}

}  // namespace tadamun::stix
