#include "aws/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace stsh::aws {
namespace {

class CryptoTest : public testing::Test {
 protected:
  void SetUp() override {
    auto loaded = openssl_crypto();
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    m_crypto = *loaded;
  }
  const Crypto& crypto() const { return *m_crypto; }

 private:
  const Crypto* m_crypto = nullptr;
};

TEST_F(CryptoTest, LoadsOnceAndSharesTheInstance) {
  auto first = openssl_crypto();
  auto second = openssl_crypto();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);
}

TEST_F(CryptoTest, Sha256OfEmptyString) {
  EXPECT_EQ(hex_encode(crypto().sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(CryptoTest, Sha256OfAbc) {
  EXPECT_EQ(hex_encode(crypto().sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231 test case 1.
TEST_F(CryptoTest, HmacSha256Rfc4231Case1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(hex_encode(crypto().hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 test case 2: a key shorter than the block, in plain text.
TEST_F(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(hex_encode(crypto().hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(CryptoTest, HmacAcceptsBinaryKeysWithNulBytes) {
  const std::string key("a\0b", 3);
  EXPECT_NE(crypto().hmac_sha256(key, "x"), crypto().hmac_sha256("a", "x"));
}

TEST(CryptoHexTest, EncodesLowercase) {
  Digest digest{};
  digest[0] = 0xAB;
  digest[31] = 0x0F;
  const std::string hex = hex_encode(digest);
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.substr(0, 2), "ab");
  EXPECT_EQ(hex.substr(62), "0f");
}

}  // namespace
}  // namespace stsh::aws
