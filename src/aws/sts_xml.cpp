#include "aws/sts_xml.h"

#include <pugixml.hpp>

#include "util/secret.h"
#include "util/strings.h"
#include "util/time_format.h"

namespace stsh::aws {

namespace {

// pugixml keeps a "prefix:" in names; STS documents do not use one, but a proxy might.
bool has_local_name(const pugi::xml_node& node, std::string_view local) {
  std::string_view name = node.name();
  std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return node.type() == pugi::node_element && name == local;
}

// The first element named `local` in document order; searching by name, not
// by path, copes with every nesting STS and its look-alikes use.
pugi::xml_node find_element(const pugi::xml_document& doc, std::string_view local) {
  return doc.find_node([local](const pugi::xml_node& n) { return has_local_name(n, local); });
}

std::string trimmed_text(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (has_local_name(child, local)) return std::string(util::trim(child.child_value()));
  }
  return {};
}

std::unexpected<Error> unexpected_response(const std::string& what) {
  return fail(ErrorKind::aws, "unexpected response from STS: " + what);
}

// Parses in place from a private copy, so the secrets pugixml sees can be wiped afterwards.
class XmlDocument {
 public:
  explicit XmlDocument(std::string_view xml) : m_buffer(xml) {
    m_result = m_doc.load_buffer_inplace(m_buffer.data(), m_buffer.size());
  }
  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;
  ~XmlDocument() { util::wipe(m_buffer); }

  bool ok() const { return static_cast<bool>(m_result); }
  const char* error() const { return m_result.description(); }
  const pugi::xml_document& get() const { return m_doc; }

 private:
  std::string m_buffer;
  pugi::xml_document m_doc;
  pugi::xml_parse_result m_result;
};

}  // namespace

Result<Credentials> parse_credentials_response(std::string_view xml) {
  XmlDocument doc(xml);
  if (!doc.ok()) return unexpected_response(std::string("not XML (") + doc.error() + ")");
  pugi::xml_node node = find_element(doc.get(), "Credentials");
  if (!node) return unexpected_response("no Credentials element");

  Credentials creds;
  creds.access_key_id = trimmed_text(node, "AccessKeyId");
  creds.secret_access_key = util::Secret(trimmed_text(node, "SecretAccessKey"));
  creds.session_token = util::Secret(trimmed_text(node, "SessionToken"));
  std::string expiration = trimmed_text(node, "Expiration");
  if (creds.access_key_id.empty()) return unexpected_response("Credentials has no AccessKeyId");
  if (creds.secret_access_key.empty()) return unexpected_response("Credentials has no SecretAccessKey");
  if (creds.session_token.empty()) return unexpected_response("Credentials has no SessionToken");
  if (expiration.empty()) return unexpected_response("Credentials has no Expiration");
  creds.expiration = util::parse_iso8601(expiration);
  if (!creds.expiration) return unexpected_response("Expiration '" + expiration + "' is not an ISO 8601 UTC time");
  return creds;
}

Result<CallerIdentity> parse_caller_identity_response(std::string_view xml) {
  XmlDocument doc(xml);
  if (!doc.ok()) return unexpected_response(std::string("not XML (") + doc.error() + ")");
  pugi::xml_node node = find_element(doc.get(), "GetCallerIdentityResult");
  if (!node) return unexpected_response("no GetCallerIdentityResult element");

  CallerIdentity id{trimmed_text(node, "Account"), trimmed_text(node, "Arn"), trimmed_text(node, "UserId")};
  if (id.account.empty()) return unexpected_response("GetCallerIdentityResult has no Account");
  if (id.arn.empty()) return unexpected_response("GetCallerIdentityResult has no Arn");
  if (id.user_id.empty()) return unexpected_response("GetCallerIdentityResult has no UserId");
  return id;
}

std::optional<StsError> parse_error_response(std::string_view xml) {
  XmlDocument doc(xml);
  if (!doc.ok()) return std::nullopt;
  // Error sits under ErrorResponse, ErrorResponse/Errors or Response/Errors: the first one wins.
  pugi::xml_node node = find_element(doc.get(), "Error");
  if (!node) return std::nullopt;
  StsError error{trimmed_text(node, "Code"), trimmed_text(node, "Message")};
  if (error.code.empty() && error.message.empty()) return std::nullopt;
  return error;
}

}  // namespace stsh::aws
