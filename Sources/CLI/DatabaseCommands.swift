import ArgumentParser
import Foundation
import FnauditAdvisory
import FnauditAdvisoryDB
import FnauditAudit
import FnauditModel
import FnauditReporting

/// `--db PATH`, shared by every command that uses the advisory database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Advisory database file.",
        discussion: "Default: $FNAUDIT_DB, else ${XDG_CACHE_HOME:-~/.cache}/fnaudit/advisories.db.",
        valueName: "path"))
    var path: String?

    var resolvedPath: String { DatabaseLocation.resolve(explicit: path) }

    /// Opens the database, building it from the shipped snapshot on first use.
    func open(quiet: Bool = false) throws -> AdvisoryStore {
        let bar = ProgressBar(enabled: !quiet && Terminal.standardErrorIsInteractive)
        defer { bar.finish() }
        var request = AuditRequest(inputs: [])
        request.databasePath = path
        request.scan.progress = bar.update
        request.announce = { message in if !quiet { Console.note(message) } }
        do {
            return try Audit.openDatabase(request)
        } catch let error as AuditError {
            throw CLIError.input(error.description)
        }
    }
}

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Inspect, build and refresh the local advisory database (offline).",
        subcommands: [DatabaseStatusCommand.self, DatabaseBuildCommand.self, DatabaseImportCommand.self, DatabaseUpdateCommand.self]
    )
}

struct DatabaseStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the database's path, sources, dates and counts.",
        discussion: "Examples:\n  fnaudit db status\n  fnaudit db status --format json --db ./advisories.db"
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "table or json.") var format: StatusFormat = .table

    enum StatusFormat: String, ExpressibleByArgument { case table, json }

    @Option(help: ArgumentHelp("Warn about ecosystems whose newest advisory is older than this many days.", valueName: "days"))
    var maxDbAge = 30

    func run() throws {
        // Status describes; it never builds a database that is not there.
        guard FileManager.default.fileExists(atPath: database.resolvedPath) else {
            throw CLIError.input("no advisory database at \(database.resolvedPath): `fnaudit db build` makes one from the shipped snapshot (the first scan does too), `fnaudit db update` from osv.dev")
        }
        let store: AdvisoryStore
        do {
            store = try AdvisoryStore(path: database.resolvedPath)
        } catch {
            throw CLIError.input("advisory database: \(error)")
        }
        let status = try store.status()
        let age = status.snapshotDate.flatMap(CalendarDay.daysSince)
        var warnings: [String] = []
        for stale in AdvisoryProvenance(path: status.path, sources: status.sources, ecosystems: status.ecosystems).stale(maxAgeDays: maxDbAge) {
            warnings.append("the \(stale.ecosystem) advisories are \(stale.ageDays.map { "\($0) days" } ?? "of unknown age") old; refresh them with `fnaudit db update` (online) or `fnaudit db import <osv export>` (offline)")
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(try JSONOutput.encode(StatusDocument(status: status, snapshotAgeDays: age, warnings: warnings)))
        case .table:
            print("Database:  \(status.path) (\(ByteFormat.megabytes(status.sizeBytes)), schema \(status.schemaVersion))")
            if let built = status.builtAt { print("Built:     \(built)") }
            if let imported = status.importedAt { print("Imported:  \(imported)") }
            print("Snapshot:  \(status.snapshotDate ?? "unknown")" + (age.map { " (\($0) days old)" } ?? ""))
            print("Sources:")
            for source in status.sources {
                print("  \(source.name)")
                print("    \(source.ecosystem ?? "-"), \(source.records) records, dated \(source.snapshotDate ?? "?"), sha256 \(source.sha256.prefix(16))…")
                if let origin = source.origin { print("    from \(origin)") }
                if let license = source.license { print("    licence \(license)") }
            }
            print("")
            print("Ecosystem  Advisories  Affected packages  Withdrawn  Newest record  Age (days)  Imported")
            for ecosystem in Ecosystem.allCases {
                let c = status.counts[ecosystem.rawValue]
                let fresh = status.ecosystems.first { $0.ecosystem == ecosystem.rawValue }
                print(ecosystem.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(c?.advisories ?? 0).leftPadded(12) + String(c?.affectedPackages ?? 0).leftPadded(19)
                      + String(c?.withdrawn ?? 0).leftPadded(11)
                      + "  " + String(fresh?.newestModified?.prefix(10) ?? "-").padding(toLength: 13, withPad: " ", startingAt: 0)
                      + (fresh?.ageDays.map(String.init) ?? "-").leftPadded(11) + "  " + String(fresh?.importedAt.prefix(10) ?? "-"))
            }
            for warning in warnings { Console.warn(warning) }
        }
    }

    struct StatusDocument: Encodable {
        var status: DatabaseStatus
        var snapshotAgeDays: Int?
        var warnings: [String]

        enum Keys: String, CodingKey {
            case path, schemaVersion, builtAt, importedAt, snapshotDate, snapshotAgeDays, sources, ecosystems, counts, advisories, sizeBytes, warnings
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(status.path, forKey: .path)
            try c.encode(status.schemaVersion, forKey: .schemaVersion)
            try c.encodeIfPresent(status.builtAt, forKey: .builtAt)
            try c.encodeIfPresent(status.importedAt, forKey: .importedAt)
            try c.encodeIfPresent(status.snapshotDate, forKey: .snapshotDate)
            try c.encodeIfPresent(snapshotAgeDays, forKey: .snapshotAgeDays)
            try c.encode(status.sources, forKey: .sources)
            try c.encode(status.ecosystems, forKey: .ecosystems)
            try c.encode(status.counts, forKey: .counts)
            try c.encode(status.advisories, forKey: .advisories)
            try c.encode(status.sizeBytes, forKey: .sizeBytes)
            try c.encode(warnings, forKey: .warnings)
        }
    }
}

struct DatabaseBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "(Re)build the database from the shipped snapshot or a folder laid out like VulnDB/.",
        discussion: "Examples:\n  fnaudit db build\n  fnaudit db build --from ./osv-exports   # holds npm/all.zip, PyPI/all.zip, Maven/all.zip"
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Folder holding <Ecosystem>/all.zip (default: the shipped VulnDB/).", valueName: "dir"))
    var from: String?

    func run() throws {
        guard let folder = from ?? DatabaseLocation.shippedSnapshot() else {
            throw CLIError.input("the shipped snapshot (VulnDB/) was not found: give --from DIR or set FNAUDIT_SNAPSHOT")
        }
        let archives = SnapshotManifest.archives(in: folder)
        guard !archives.isEmpty else { throw CLIError.input("\(folder) holds no <Ecosystem>/all.zip") }
        try RefreshPrinter.run(verb: "built", path: database.resolvedPath) { progress in
            try DatabaseRefresher.build(databasePath: database.resolvedPath, inputs: archives,
                                        manifest: SnapshotManifest.load(directory: folder), progress: progress)
        }
    }
}

struct DatabaseImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Refresh the database offline from newer OSV exports (all.zip, folders of JSON, single records).",
        discussion: """
        Records whose content changed replace the old ones; unchanged ones are skipped; records \
        missing from an export are kept. The database is replaced atomically: a failed or \
        interrupted import leaves it as it was.

        Examples:
          fnaudit db import ~/Downloads/PyPI/all.zip
          fnaudit db import ./osv/npm ./GHSA-xxxx-xxxx-xxxx.json
        """
    )
    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("OSV exports to import.", valueName: "path")) var paths: [String]

    func run() throws {
        _ = try database.open()   // an import refreshes a database: build the default one first if there is none
        try RefreshPrinter.run(verb: "imported", path: database.resolvedPath) { progress in
            try DatabaseRefresher.importExports(databasePath: database.resolvedPath, inputs: paths, progress: progress)
        }
    }
}

struct DatabaseUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Refresh the database from osv.dev or a mirror (the only command that uses the network).",
        discussion: """
        Fetches <base>/<Ecosystem>/modified_id.csv and only the records changed since the local data \
        (<base>/<Ecosystem>/<ID>.json), or the whole <base>/<Ecosystem>/all.zip when the database is \
        new or much has changed; verifies what came, and imports it with the same atomic swap as \
        `db import`. Every URL fetched is printed. An ecosystem that fails (404, a damaged download) \
        is reported and the others are still updated (exit 2).

        Air-gapped: mirror osv.dev's layout on an internal server and pass --mirror URL; or copy the \
        all.zip files and use `fnaudit db import` (no network at all).

        Examples:
          fnaudit db update
          fnaudit db update --mirror https://osv-mirror.internal.example/osv
          fnaudit db update --ecosystem PyPI --ecosystem npm
        """
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Base URL laid out like osv.dev's exports (default: osv.dev).", valueName: "url"))
    var mirror: String?
    @Option(name: .customLong("ecosystem"), help: ArgumentHelp("npm, PyPI or Maven (repeatable; default: all three).", valueName: "name"))
    var ecosystems: [String] = []
    @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false

    func run() throws {
        var options = DatabaseUpdater.Options()
        if let mirror { options.base = mirror }
        if !ecosystems.isEmpty {
            options.ecosystems = try ecosystems.map { name in
                guard let ecosystem = Ecosystem(caseInsensitive: name) else { throw ValidationError("unknown ecosystem \(name) (npm, PyPI, Maven)") }
                return ecosystem
            }
        }
        let bar = ProgressBar(enabled: !quiet && Terminal.standardErrorIsInteractive)
        let started = Date()
        let outcome: DatabaseUpdater.Outcome
        do {
            outcome = try DatabaseUpdater.update(databasePath: database.resolvedPath, options: options, progress: bar.update,
                                                 log: { if !quiet { Console.note($0) } })
        } catch {
            bar.finish()
            throw CLIError.input("update failed, the previous database is unchanged: \(error)")
        }
        bar.finish()
        for (ecosystem, method) in outcome.methods where !quiet { Console.note("\(ecosystem.rawValue): \(method)") }
        if let summary = outcome.refresh, !quiet {
            RefreshPrinter.print(summary, verb: "updated", path: database.resolvedPath, seconds: Date().timeIntervalSince(started))
        }
        for (ecosystem, reason) in outcome.failures { Console.error("\(ecosystem.rawValue) not updated: \(reason)") }
        if !outcome.failures.isEmpty || (outcome.refresh?.skipped ?? 0) > 0 { throw ExitCode(2) }
    }
}

enum RefreshPrinter {
    /// Runs a build or import with a progress bar, prints what changed, exits 2 if anything was skipped.
    static func run(verb: String, path: String, _ refresh: (@escaping ProgressHandler) throws -> RefreshSummary) throws {
        let started = Date()
        let bar = ProgressBar()
        let summary: RefreshSummary
        do {
            summary = try refresh(bar.update)
        } catch {
            bar.finish()
            throw CLIError.input("\(verb == "built" ? "build" : "import") failed, the previous database is unchanged: \(error)")
        }
        bar.finish()
        print(summary, verb: verb, path: path, seconds: Date().timeIntervalSince(started))
        if summary.skipped > 0 { throw ExitCode(2) }
    }

    static func print(_ summary: RefreshSummary, verb: String, path: String, seconds: Double) {
        for note in summary.notes { Console.note("note: \(note.description)") }
        for problem in summary.problems { Console.error(problem.description) }
        Swift.print("Ecosystem  Added  Updated  Unchanged  Withdrawn")
        for ecosystem in Ecosystem.allCases {
            let c = summary.counts[ecosystem] ?? .init()
            Swift.print(ecosystem.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + String(c.added).leftPadded(7)
                        + String(c.updated).leftPadded(9) + String(c.unchanged).leftPadded(11) + String(c.withdrawn).leftPadded(11))
        }
        var line = String(format: "%@ %@ in %.1f s: %d advisories, %d affected packages", verb.capitalized, path, seconds,
                          summary.advisories, summary.affectedEntries)
        if summary.ignored > 0 { line += ", \(summary.ignored) records for other ecosystems ignored" }
        if summary.skipped > 0 { line += ", \(summary.skipped) skipped (see above)" }
        Swift.print(line)
    }
}
