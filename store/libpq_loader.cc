// libpq, loaded on first use instead of linked. q50sim links no libpq: these definitions of
// the libpq functions the store calls (store/pg_connection.cc, and the store tests) load
// libpq.so.5 with dlopen the first time one is called and forward to it. Why: libpq's
// dependency tree (Kerberos, LDAP, SASL, GnuTLS, p11-kit, ...: 20 of the 36 shared libraries
// q50sim loaded) was mapped, relocated and initialised by every q50sim process, most of its
// startup time, although only `--db postgresql://...` uses it.
//
// When libpq cannot be loaded, PQconnectdbParams returns null; PQstatus(null) is then
// CONNECTION_BAD and PQerrorMessage(null) says why, so the store reports a failed connection
// with the loader's message (exit code 4) instead of the process failing to start.
#include <dlfcn.h>
#include <libpq-fe.h>

#include <string>

namespace {

struct Api {
  void* handle = nullptr;
  std::string error;
  decltype(&::PQconnectdbParams) connectdb_params = nullptr;
  decltype(&::PQstatus) status = nullptr;
  decltype(&::PQerrorMessage) error_message = nullptr;
  decltype(&::PQfinish) finish = nullptr;
  decltype(&::PQsetNoticeProcessor) set_notice_processor = nullptr;
  decltype(&::PQresultErrorField) result_error_field = nullptr;
  decltype(&::PQresultErrorMessage) result_error_message = nullptr;
  decltype(&::PQprepare) prepare = nullptr;
  decltype(&::PQresultStatus) result_status = nullptr;
  decltype(&::PQexecPrepared) exec_prepared = nullptr;
  decltype(&::PQexec) exec = nullptr;
  decltype(&::PQputCopyData) put_copy_data = nullptr;
  decltype(&::PQputCopyEnd) put_copy_end = nullptr;
  decltype(&::PQgetResult) get_result = nullptr;
  decltype(&::PQclear) clear = nullptr;
  decltype(&::PQntuples) ntuples = nullptr;
  decltype(&::PQgetisnull) getisnull = nullptr;
  decltype(&::PQgetvalue) getvalue = nullptr;
  decltype(&::PQgetlength) getlength = nullptr;
};

template <typename F>
bool bind(Api& api, F& fn, const char* name) {
  fn = reinterpret_cast<F>(dlsym(api.handle, name));
  if (fn == nullptr && api.error.empty()) api.error = std::string("libpq.so.5 has no ") + name;
  return fn != nullptr;
}

Api load() {
  Api api;
  api.handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (api.handle == nullptr) {
    const char* why = dlerror();
    api.error = std::string("cannot load libpq (PostgreSQL's client library): ") +
                (why != nullptr ? why : "dlopen failed");
    return api;
  }
  bool ok = bind(api, api.connectdb_params, "PQconnectdbParams");
  ok = bind(api, api.status, "PQstatus") && ok;
  ok = bind(api, api.error_message, "PQerrorMessage") && ok;
  ok = bind(api, api.finish, "PQfinish") && ok;
  ok = bind(api, api.set_notice_processor, "PQsetNoticeProcessor") && ok;
  ok = bind(api, api.result_error_field, "PQresultErrorField") && ok;
  ok = bind(api, api.result_error_message, "PQresultErrorMessage") && ok;
  ok = bind(api, api.prepare, "PQprepare") && ok;
  ok = bind(api, api.result_status, "PQresultStatus") && ok;
  ok = bind(api, api.exec_prepared, "PQexecPrepared") && ok;
  ok = bind(api, api.exec, "PQexec") && ok;
  ok = bind(api, api.put_copy_data, "PQputCopyData") && ok;
  ok = bind(api, api.put_copy_end, "PQputCopyEnd") && ok;
  ok = bind(api, api.get_result, "PQgetResult") && ok;
  ok = bind(api, api.clear, "PQclear") && ok;
  ok = bind(api, api.ntuples, "PQntuples") && ok;
  ok = bind(api, api.getisnull, "PQgetisnull") && ok;
  ok = bind(api, api.getvalue, "PQgetvalue") && ok;
  ok = bind(api, api.getlength, "PQgetlength") && ok;
  if (!ok) api.connectdb_params = nullptr;  // refuse to connect with a partial API
  return api;
}

// Loaded once, on the first call (thread-safe: sweeps open connections from worker threads).
const Api& api() {
  static const Api loaded = load();
  return loaded;
}

}  // namespace

extern "C" {

PGconn* PQconnectdbParams(const char* const* keywords, const char* const* values,
                          int expand_dbname) {
  const Api& a = api();
  return a.connectdb_params == nullptr ? nullptr
                                       : a.connectdb_params(keywords, values, expand_dbname);
}
// Only reachable after a connection was made (or attempted): the API is loaded, or conn is
// null from a failed load.
ConnStatusType PQstatus(const PGconn* conn) {
  return conn == nullptr ? CONNECTION_BAD : api().status(conn);
}
char* PQerrorMessage(const PGconn* conn) {
  if (conn == nullptr || api().error_message == nullptr) {
    static std::string message;
    message = api().error.empty() ? "out of memory (libpq returned no connection)" : api().error;
    return message.data();
  }
  return api().error_message(conn);
}
void PQfinish(PGconn* conn) {
  if (conn != nullptr) api().finish(conn);
}
PQnoticeProcessor PQsetNoticeProcessor(PGconn* conn, PQnoticeProcessor proc, void* arg) {
  return api().set_notice_processor(conn, proc, arg);
}
char* PQresultErrorField(const PGresult* res, int fieldcode) {
  return api().result_error_field(res, fieldcode);
}
char* PQresultErrorMessage(const PGresult* res) { return api().result_error_message(res); }
PGresult* PQprepare(PGconn* conn, const char* stmt_name, const char* query, int n_params,
                    const Oid* param_types) {
  return api().prepare(conn, stmt_name, query, n_params, param_types);
}
ExecStatusType PQresultStatus(const PGresult* res) { return api().result_status(res); }
PGresult* PQexecPrepared(PGconn* conn, const char* stmt_name, int n_params,
                         const char* const* param_values, const int* param_lengths,
                         const int* param_formats, int result_format) {
  return api().exec_prepared(conn, stmt_name, n_params, param_values, param_lengths,
                             param_formats, result_format);
}
PGresult* PQexec(PGconn* conn, const char* query) { return api().exec(conn, query); }
int PQputCopyData(PGconn* conn, const char* buffer, int nbytes) {
  return api().put_copy_data(conn, buffer, nbytes);
}
int PQputCopyEnd(PGconn* conn, const char* errormsg) { return api().put_copy_end(conn, errormsg); }
PGresult* PQgetResult(PGconn* conn) { return api().get_result(conn); }
void PQclear(PGresult* res) {
  if (res != nullptr) api().clear(res);
}
int PQntuples(const PGresult* res) { return api().ntuples(res); }
int PQgetisnull(const PGresult* res, int tup_num, int field_num) {
  return api().getisnull(res, tup_num, field_num);
}
char* PQgetvalue(const PGresult* res, int tup_num, int field_num) {
  return api().getvalue(res, tup_num, field_num);
}
int PQgetlength(const PGresult* res, int tup_num, int field_num) {
  return api().getlength(res, tup_num, field_num);
}

}  // extern "C"
