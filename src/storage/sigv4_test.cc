// The two worked examples of AWS's SigV4 documentation for S3 (examplebucket, 2013-05-24).
#include "storage/sigv4.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

const S3Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             "us-east-1"};

TEST(SigV4Test, SignsAGetObjectWithARangeAsAwsDocumentsIt) {
  SigV4Request get{"GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {}, ""};
  get.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  get.headers = {{"Range", "bytes=0-9"},
                 {"x-amz-content-sha256", get.payload_hash},
                 {"x-amz-date", "20130524T000000Z"}};
  EXPECT_EQ(AuthorizationV4(kExample, get, "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, PresignsAGetForADayAsAwsDocumentsIt) {
  SigV4Request get{"GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {}};
  EXPECT_EQ(PresignedQueryV4(kExample, get, "20130524T000000Z", 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, EncodesAsS3Asks) {
  EXPECT_EQ(UriEncode("a b/c~d+e", true), "a%20b/c~d%2Be");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace berth
