#include "core/reference.h"

#include <gtest/gtest.h>

#include <string>

namespace berth {
namespace {

TEST(ReferenceTest, RepositoryNames) {
  struct Case {
    std::string name;
    bool valid;
  };
  const Case cases[] = {
      {"busybox", true},
      {"library/busybox", true},
      {"a/b/c/d", true},
      {"my-app", true},
      {"my--app", true},
      {"my_app", true},
      {"my__app", true},
      {"my.app", true},
      {"a0/b1.c2_d3-e4", true},
      {"", false},
      {"Busybox", false},
      {"my___app", false},
      {"my..app", false},
      {"-app", false},
      {"app-", false},
      {"a//b", false},
      {"/a", false},
      {"a/", false},
      {"a/_b", false},
      {"a b", false},
      {"a:b", false},
      {std::string(255, 'a'), true},
      {std::string(256, 'a'), false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsValidRepositoryName(c.name), c.valid) << c.name;
  }
}

TEST(ReferenceTest, Tags) {
  struct Case {
    std::string tag;
    bool valid;
  };
  const Case cases[] = {
      {"latest", true},       {"v1.2.3", true},  {"_x", true},        {"A-b_C.d", true},
      {std::string(128, 'a'), true},             {std::string(129, 'a'), false},
      {"", false},            {".x", false},     {"-x", false},       {"a/b", false},
      {"a:b", false},         {"sha256:abc", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsValidTag(c.tag), c.valid) << c.tag;
  }
}

}  // namespace
}  // namespace berth
