#pragma once
// The documents service's object: the Store of documents and the views of delegations and
// scheduling, the HTTP routes (routes.cpp), and the background work of runtime/settler wired to
// them.
#include <chrono>
#include <optional>

#include "concord/events/event_log.hpp"
#include "concord/http/message.hpp"
#include "concord/service/api.hpp"
#include "concord/service/service.hpp"
#include "concord/service/store.hpp"
#include "documents/domain/decide.hpp"
#include "documents/runtime/settler.hpp"

namespace concord::documents {

class DocumentsService final : public service::Service {
 public:
  DocumentsService(service::ServiceContext& context, std::chrono::milliseconds tick);
  ~DocumentsService() override;

  void mount(http::Router& router) override;
  Status recover() override;
  void start() override;
  void stop() override;

 private:
  using Store = service::Store<State>;

  // Handlers (routes.cpp).
  Result<http::Response> create(http::Request& req);
  Result<http::Response> list(http::Request& req);
  Result<http::Response> get(http::Request& req);
  Result<http::Response> update(http::Request& req);
  Result<http::Response> add_version(http::Request& req);
  Result<http::Response> list_versions(http::Request& req);
  Result<http::Response> get_version(http::Request& req);
  Result<http::Response> diff(http::Request& req);
  Result<http::Response> submit(http::Request& req);
  Result<http::Response> approve(http::Request& req);
  Result<http::Response> agree(http::Request& req);
  Result<http::Response> link_signing(http::Request& req);
  Result<http::Response> sign(http::Request& req);
  Result<http::Response> signing_payload(http::Request& req);
  Result<http::Response> change_signatories(http::Request& req);
  Result<http::Response> entry_into_force(http::Request& req);
  Result<http::Response> notify(http::Request& req);
  Result<http::Response> withdraw(http::Request& req);
  Result<http::Response> audit(http::Request& req);
  Result<http::Response> certificate(http::Request& req);

  Context context_for(const http::Request& req);
  // The one append of a document's new events, each in its envelope (the id, time and actor the
  // domain gave it: the audit chain hashes them).
  std::vector<service::Append> appends_of(const std::string& id, const Decision& decided,
                                          const service::api::Cause& cause) const;
  // decide → append → evolve for one document, then the document as it now is.
  Result<http::Response> commit(http::Request& req, const Command& command, int status = 200);
  // Looks the document up for reading: 404 unless it exists and the caller may see it.
  template <class F>
  Result<http::Response> read_document(http::Request& req, F&& render);
  // A read never appends: it shows `doc` with the steps it is owed applied (in `scratch`), and
  // asks the settler to append them.
  const Document& as_read(const State& s, const Document& doc, std::optional<Document>& scratch);

  service::ServiceContext& context_;
  Store store_;
  service::api::EventFactory events_;
  // The views of delegations and scheduling, followed live, and the steps taken on its own.
  Settler settler_;
};

}  // namespace concord::documents
