/// `lossland query DB minima|ts|show|path|stats`: tables for people, JSON and CSV for programs.
/// The command line; the subcommands are in query_columns.cpp (minima, ts, stats) and
/// query_show.cpp (show, path).
#include <memory>

#include "commands/command.hpp"
#include "commands/query_context.hpp"

namespace lossland::cli {
namespace {

void add_list_options(CLI::App* c, QueryArgs& a, const std::string& what) {
  c->add_flag("--json", a.json, "JSON for programs");
  c->add_flag("--csv", a.csv, "CSV (header line, full precision)");
  c->add_option("--limit", a.list.limit, "Show at most N rows (0: all)")->capture_default_str();
  c->add_option("--sort", a.list.sort, "Sort by a field (energy, id, ... or an analysis column)")
      ->capture_default_str();
  c->add_flag("--desc", a.list.descending, "Sort descending");
  c->add_option("--emin", a.list.emin, "Only " + what + " with energy >= E");
  c->add_option("--emax", a.list.emax, "Only " + what + " with energy <= E");
  c->add_option("--where", a.list.where,
                "Filter FIELD OP VALUE, OP in < <= > >= == != (repeatable, all must hold), "
                "e.g. --where 'auc>=0.9'; the fields it names are printed too");
  c->add_option("--columns", a.list.columns,
                "Extra fields/columns to print, comma-separated (the fields of --where and --sort "
                "are printed too; fields already in the listing are not repeated)");
}

Registrar reg("query", 30, [](CLI::App& app) {
  auto* q = app.add_subcommand(
      "query",
      "Ask a database about its minima and transition states\n"
      "  lossland query DB minima [--sort F] [--where 'F<=V'] [--limit N] [--json|--csv]\n"
      "  lossland query DB ts     [same options]\n"
      "  lossland query DB show min I | show ts I  [--json]\n"
      "  lossland query DB path I J  [--json]   minimax path (lowest highest barrier)\n"
      "  lossland query DB stats [--json]");
  auto args = std::make_shared<QueryArgs>();
  q->add_option("db", args->db, "Database file")->required();
  q->require_subcommand(1);
  auto* m = q->add_subcommand(
      "minima",
      "List the minima, lowest first. Fields for --sort/--where/--columns: id, energy,\n"
      "grad_rms, min_eigenvalue, class (dataset-symmetry class), component (connected set),\n"
      "degree (transition states), barrier (escape barrier: E(t) - E(i) for the lowest\n"
      "transition state t over which minimum i reaches any lower minimum, i.e. the minimax\n"
      "barrier to a lower minimum; 'none'/null/inf for the lowest minimum of a connected set),\n"
      "and every 1-D /minima column (auc, ...)");
  add_list_options(m, *args, "minima");
  m->callback([args] { query_minima(*args); });
  auto* t = q->add_subcommand("ts", "List the transition states, lowest first");
  add_list_options(t, *args, "transition states");
  t->callback([args] { query_ts(*args); });
  auto* s = q->add_subcommand("show", "Everything about one point: show min I | show ts I");
  s->add_option("kind", args->kind, "min or ts")
      ->required()
      ->check(CLI::IsMember({"min", "minimum", "ts"}));
  s->add_option("id", args->id, "Row id (0-based)")->required();
  s->add_flag("--json", args->json, "JSON for programs");
  s->callback([args] { query_show(*args); });
  auto* p =
      q->add_subcommand("path",
                        "Minimax path between minima I and J: the chain of transition states whose "
                        "highest point is lowest (Dijkstra with max in place of +)");
  p->add_option("from", args->id, "Minimum id")->required();
  p->add_option("to", args->id2, "Minimum id")->required();
  p->add_flag("--json", args->json, "JSON for programs");
  p->callback([args] { query_path(*args); });
  auto* st = q->add_subcommand("stats", "Counts, TS/minima ratio, connected sets, global minimum");
  st->add_flag("--json", args->json, "JSON for programs");
  st->callback([args] { query_stats(*args); });
});

}  // namespace
}  // namespace lossland::cli
