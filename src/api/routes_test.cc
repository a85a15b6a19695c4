// Holds the API's route table to Harbor's swagger: every row is a swagger operation with the
// same method, path and operationId, and the operations not served yet are listed.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "api/harbor_api.h"

namespace berth {
namespace {

struct SwaggerOperation {
  std::string method;
  std::string path;
  std::string operation_id;
};

std::vector<SwaggerOperation> SwaggerOperations() {
  const YAML::Node swagger = YAML::LoadFile(BERTH_HARBOR_SWAGGER);
  std::vector<SwaggerOperation> out;
  for (const auto& path : swagger["paths"]) {
    for (const auto& operation : path.second) {
      std::string method = operation.first.as<std::string>();
      if (!operation.second.IsMap() || !operation.second["operationId"]) continue;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      out.push_back({method, path.first.as<std::string>(),
                     operation.second["operationId"].as<std::string>()});
    }
  }
  return out;
}

TEST(RoutesTest, EveryRouteIsASwaggerOperationWithItsMethodPathAndOperationId) {
  const std::vector<SwaggerOperation> swagger = SwaggerOperations();
  ASSERT_GT(swagger.size(), 150u) << "the swagger did not parse as Harbor's";
  std::map<std::pair<std::string, std::string>, std::string> by_route;
  for (const SwaggerOperation& op : swagger) by_route[{op.method, op.path}] = op.operation_id;
  std::set<std::pair<std::string, std::string>> seen;
  for (const HarborApi::ApiRoute& route : HarborApi::Routes()) {
    const std::pair<std::string, std::string> key{std::string(route.method),
                                                  std::string(route.path)};
    EXPECT_TRUE(seen.insert(key).second) << route.method << " " << route.path << " twice";
    auto found = by_route.find(key);
    if (found == by_route.end()) {
      ADD_FAILURE() << route.method << " " << route.path << " is no swagger operation";
      continue;
    }
    EXPECT_EQ(found->second, route.operation_id) << route.method << " " << route.path;
    EXPECT_NE(route.run, nullptr) << route.operation_id;
  }
  std::vector<std::string> unserved;
  for (const SwaggerOperation& op : swagger) {
    if (!seen.count({op.method, op.path}))
      unserved.push_back(op.operation_id + " (" + op.method + " " + op.path + ")");
  }
  std::cout << "served " << seen.size() << " of " << swagger.size()
            << " swagger operations; not served yet:\n";
  for (const std::string& op : unserved) std::cout << "  " << op << "\n";
}

}  // namespace
}  // namespace berth
