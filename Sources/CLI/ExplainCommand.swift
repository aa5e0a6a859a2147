import ArgumentParser
import Foundation
import FnauditAdvisoryDB
import FnauditReporting

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show an advisory: summary, details, aliases, severity, affected ranges, references.",
        discussion: """
        Finds the advisory by its id or any alias.

        Examples:
          fnaudit explain GHSA-jfh8-c2jp-5v3q
          fnaudit explain CVE-2021-44228
          fnaudit explain PYSEC-2019-13 --format json
        """
    )
    @Argument(help: ArgumentHelp("An advisory id or alias (GHSA-…, CVE-…, PYSEC-…).", valueName: "id"))
    var id: String
    @OptionGroup var database: DatabaseOptions
    @Option(help: "text, or json (the OSV record as imported).") var format: ExplainFormat = .text

    enum ExplainFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let store = try database.open()
        let details = try store.detail(idOrAlias: id)
        guard !details.isEmpty else { throw CLIError.input("no advisory \(id) (nor an advisory with that alias) in \(store.path)") }
        if format == .json {
            // One valid JSON document: the record, or an array when an alias names several.
            let records = details.map { $0.rawJSON ?? "{}" }
            print(records.count == 1 ? records[0] : "[" + records.joined(separator: ",\n") + "]")
            return
        }
        let snapshot = try store.provenance()
        for (index, detail) in details.enumerated() {
            if index > 0 { print("\n" + String(repeating: "─", count: 40) + "\n") }
            print(ExplainReport.render(detail, snapshot: snapshot), terminator: "")
        }
    }
}
