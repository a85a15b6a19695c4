// The conformance suite every BlobStore driver runs: instantiate it with
// INSTANTIATE_TYPED_TEST_SUITE_P(Name, BlobStoreConformance, Impl) after specialising
// BlobStoreFactory<Impl>, so a new driver (S3) proves itself against what the filesystem passes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <string>

#include "core/scoped_temp_dir.h"
#include "storage/blob_store.h"

namespace berth {

// Specialise with: static std::unique_ptr<BlobStore> Make(const std::filesystem::path& dir),
// returning nullptr when the driver cannot run here (the suite is then skipped).
template <class Impl>
struct BlobStoreFactory;

template <class Impl>
class BlobStoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = BlobStoreFactory<Impl>::Make(dir_.path());
    if (!store_) GTEST_SKIP() << "this driver's store is not running here";
  }

  // Bytes that differ at every offset, so a part in the wrong place shows.
  static std::string Pattern(size_t size, int seed) {
    std::string out(size, '\0');
    uint32_t x = 2166136261u ^ static_cast<uint32_t>(seed);
    for (char& c : out) {
      x = x * 16777619u + 1;
      c = static_cast<char>(x >> 24);
    }
    return out;
  }

  // Writes `bytes` into the upload as requests would, `chunk` bytes a request, each request's
  // writer opened from the record the last one flushed (as another node would open it).
  std::string Upload(const std::string& uuid, const std::string& bytes, size_t chunk) {
    auto record = store_->CreateUpload(uuid);
    EXPECT_TRUE(record);
    if (!record) return "";
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      auto w = store_->OpenUploadWriter(uuid, *record);
      EXPECT_TRUE(w) << w.error().message;
      if (!w) return "";
      const size_t n = std::min(chunk, bytes.size() - at);
      // Two appends a request, as a body arrives in pieces.
      EXPECT_TRUE((*w)->Append(std::span<const char>(bytes.data() + at, n / 2)));
      EXPECT_TRUE((*w)->Append(std::span<const char>(bytes.data() + at + n / 2, n - n / 2)));
      auto flushed = (*w)->Flush();
      EXPECT_TRUE(flushed) << flushed.error().message;
      if (!flushed) return "";
      record = std::move(*flushed);
      auto size = store_->UploadSize(uuid, *record);
      EXPECT_TRUE(size);
      if (size) {
        EXPECT_EQ(*size, at + n);
      }
    }
    return *record;
  }

  std::string ReadAll(BlobReader& reader, uint64_t offset = 0, size_t piece = 100000) {
    std::string out;
    std::string buf(piece, '\0');
    while (true) {
      auto n = reader.ReadAt(offset, std::span(buf.data(), buf.size()));
      EXPECT_TRUE(n) << n.error().message;
      if (!n || *n == 0) return out;
      out.append(buf.data(), *n);
      offset += *n;
    }
  }

  ScopedTempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

TYPED_TEST_SUITE_P(BlobStoreConformance);

TYPED_TEST_P(BlobStoreConformance, UploadAppendCommitRead) {
  auto record = this->store_->CreateUpload("u1");
  ASSERT_TRUE(record);
  {
    auto w = this->store_->OpenUploadWriter("u1", *record);
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Append(std::span<const char>("hello ", 6)));
    ASSERT_TRUE((*w)->Append(std::span<const char>("world", 5)));
    Digest d = DigestOf("hello world");
    EXPECT_EQ(this->store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
    ASSERT_TRUE((*w)->Commit(d));
    EXPECT_EQ(*this->store_->Stat(d), 11u);
  }
  auto r = this->store_->Open(DigestOf("hello world"));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)->size(), 11u);
  char buf[5];
  EXPECT_EQ(*(*r)->ReadAt(6, buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
  EXPECT_EQ(this->ReadAll(**r, 0, 4), "hello world");
  // Whatever the store kept of the upload went with the commit.
  auto names = this->store_->ListUploads();
  ASSERT_TRUE(names);
  EXPECT_TRUE(names->empty());
}

TYPED_TEST_P(BlobStoreConformance, MissingThingsAreReported) {
  Digest d = DigestOf("nothing");
  EXPECT_EQ(this->store_->Open(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(this->store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_EQ(this->store_->Delete(d).error().code, ErrorCode::kBlobUnknown);
  EXPECT_TRUE(this->store_->DeleteUpload("nope"));
}

TYPED_TEST_P(BlobStoreConformance, ListAndDeleteUploads) {
  // Listed: every upload that holds bytes.
  this->Upload("a", "some bytes", 4);
  this->Upload("b", this->Pattern(6 << 20, 1), 6 << 20);
  auto names = this->store_->ListUploads();
  ASSERT_TRUE(names);
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(this->store_->DeleteUpload("a"));
  ASSERT_TRUE(this->store_->DeleteUpload("b"));
  EXPECT_TRUE(this->store_->ListUploads()->empty());
}

TYPED_TEST_P(BlobStoreConformance, CommittingTheSameBlobTwiceKeepsIt) {
  Digest d = DigestOf("x");
  for (const char* uuid : {"one", "two"}) {
    auto record = this->store_->CreateUpload(uuid);
    ASSERT_TRUE(record);
    auto w = this->store_->OpenUploadWriter(uuid, *record);
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Append(std::span<const char>("x", 1)));
    ASSERT_TRUE((*w)->Commit(d));
  }
  EXPECT_EQ(*this->store_->Stat(d), 1u);
  ASSERT_TRUE(this->store_->Delete(d));
  EXPECT_EQ(this->store_->Stat(d).error().code, ErrorCode::kBlobUnknown);
}

// Chunks smaller and larger than an object store's 5 MiB minimum part, each request's writer
// opened afresh from the last record: the bytes come back whole and in order.
TYPED_TEST_P(BlobStoreConformance, AnUploadGoesOnFromItsRecordAcrossWriters) {
  for (const size_t chunk : {size_t{1} << 20, size_t{7} << 20, size_t{3} << 20}) {
    const std::string bytes = this->Pattern((13 << 20) + 12345, static_cast<int>(chunk));
    const std::string uuid = "chunks-" + std::to_string(chunk);
    const std::string record = this->Upload(uuid, bytes, chunk);
    auto w = this->store_->OpenUploadWriter(uuid, record);
    ASSERT_TRUE(w);
    // Sealed (no byte will follow), the upload reads back whole.
    auto sealed = (*w)->Seal();
    ASSERT_TRUE(sealed) << sealed.error().message;
    auto reader = this->store_->OpenUploadReader(uuid, *sealed);
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ((*reader)->size(), bytes.size());
    EXPECT_TRUE(this->ReadAll(**reader) == bytes);
    const Digest d = DigestOf(bytes);
    ASSERT_TRUE((*w)->Commit(d));
    auto blob = this->store_->Open(d);
    ASSERT_TRUE(blob);
    EXPECT_EQ((*blob)->size(), bytes.size());
    EXPECT_TRUE(this->ReadAll(**blob) == bytes) << "chunks of " << chunk;
    // Reads from anywhere, in any order, as range requests make them.
    char piece[1000];
    for (uint64_t at : {uint64_t{9} << 20, uint64_t{5}, uint64_t{bytes.size() - 10}}) {
      auto n = (*blob)->ReadAt(at, piece);
      ASSERT_TRUE(n);
      ASSERT_GT(*n, 0u);
      EXPECT_EQ(std::string(piece, *n), bytes.substr(at, *n));
    }
    EXPECT_TRUE(this->store_->Delete(d));
  }
  EXPECT_TRUE(this->store_->ListUploads()->empty());
}

// What garbage collection sees and removes: every blob with its size and age, deleted in one
// batch, a blob already gone counted as absent.
TYPED_TEST_P(BlobStoreConformance, BlobsAreListedAndDeletedInBatches) {
  const int64_t before = static_cast<int64_t>(std::time(nullptr)) - 60;
  this->Upload("unfinished", this->Pattern(100, 9), 100);
  auto listed = this->store_->ListBlobs();
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_TRUE(listed->empty()) << "an upload is no blob";
  std::vector<Digest> digests;
  for (int i = 0; i < 5; ++i) {
    const std::string bytes = this->Pattern(100 + static_cast<size_t>(i), i);
    const std::string uuid = "blob-" + std::to_string(i);
    auto record = this->store_->CreateUpload(uuid);
    ASSERT_TRUE(record);
    auto w = this->store_->OpenUploadWriter(uuid, *record);
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Append(bytes));
    digests.push_back(DigestOf(bytes));
    ASSERT_TRUE((*w)->Commit(digests.back()));
  }
  listed = this->store_->ListBlobs();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 5u);
  for (const StoredBlob& b : *listed) {
    auto at = std::find(digests.begin(), digests.end(), b.digest);
    ASSERT_NE(at, digests.end()) << b.digest.str();
    EXPECT_EQ(b.size, 100 + static_cast<uint64_t>(at - digests.begin()));
    EXPECT_GE(b.modified, before);
  }
  ASSERT_TRUE(this->store_->Delete(digests[0]));
  auto absent = this->store_->DeleteBlobs(std::span(digests).first(4));
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_EQ(absent->size(), 4u);
  listed = this->store_->ListBlobs();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().digest, digests[4]);
  EXPECT_TRUE(this->store_->DeleteUpload("unfinished"));
}

REGISTER_TYPED_TEST_SUITE_P(BlobStoreConformance, UploadAppendCommitRead, MissingThingsAreReported,
                            ListAndDeleteUploads, CommittingTheSameBlobTwiceKeepsIt,
                            AnUploadGoesOnFromItsRecordAcrossWriters,
                            BlobsAreListedAndDeletedInBatches);

}  // namespace berth
