import ArgumentParser
import Foundation
import FnauditAdvisoryDB
import FnauditMatching
import FnauditModel
import FnauditReporting
import FnauditScanning

/// Options shared by `scan` and `inventory`: what to read and how far to trust it.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Function artifacts (zip, jar, war, wheel, tar.gz…), source folders, or single lockfiles.",
                                 valueName: "path"))
    var paths: [String]

    @Flag(help: "Include dev, test and provided dependencies (left out by default).")
    var includeDev = false

    @Option(help: ArgumentHelp("Archives inside archives to open.", valueName: "n"))
    var maxArchiveDepth = 8
    @Option(help: ArgumentHelp("Largest archive entry read into memory, in MiB.", valueName: "MiB"))
    var maxEntrySize = 64
    @Option(help: ArgumentHelp("Total uncompressed data read from archives, in MiB.", valueName: "MiB"))
    var maxTotalSize = 2048
    @Option(help: ArgumentHelp("Largest compression ratio accepted for an entry that is read.", valueName: "n"))
    var maxRatio = 200
    @Option(help: ArgumentHelp("Entries per archive, nested ones included.", valueName: "n"))
    var maxEntries = 1_000_000

    @Flag(name: .shortAndLong, help: "Print nothing but the report (no progress, notes or warnings).")
    var quiet = false
    @Flag(name: .shortAndLong, help: "Also print warnings (unpinned requirements, suspicious archive entries).")
    var verbose = false

    func validate() throws {
        for (name, value) in [("--max-archive-depth", maxArchiveDepth), ("--max-entry-size", maxEntrySize),
                              ("--max-total-size", maxTotalSize), ("--max-ratio", maxRatio), ("--max-entries", maxEntries)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
    }

    func inventory() -> Inventory {
        var options = ScanOptions()
        options.archive.depth = maxArchiveDepth
        options.archive.entryBytes = maxEntrySize << 20
        options.archive.totalBytes = Int64(maxTotalSize) << 20
        options.archive.compressionRatio = maxRatio
        options.archive.entryCount = maxEntries
        let bar = ProgressBar(enabled: !quiet && ProgressBar.stderrIsInteractive)
        options.progress = bar.update
        let inventory = Scanner(options: options).inventory(of: paths)
        bar.finish()
        if !quiet {
            for issue in inventory.issues where issue.severity == .error { Console.error("\(issue.location): \(issue.message)") }
            if verbose {
                for issue in inventory.issues where issue.severity == .warning { Console.warn("\(issue.location): \(issue.message)") }
            }
        }
        return inventory
    }
}

/// `--format` and `--output`.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Option(help: ArgumentHelp("Output format: table or json.", valueName: "format"))
    var format: Format = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    var colour: Bool {
        output == nil && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) != false
    }

    func write(_ data: Data) throws {
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw CLIError.input("cannot write \(output)")
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

/// The severity at or above which findings fail the run.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case any = "ANY", low = "LOW", medium = "MEDIUM", high = "HIGH", critical = "CRITICAL", none = "NONE"

    init?(argument: String) { self.init(rawValue: argument.uppercased()) }

    func fails(_ severity: Severity) -> Bool {
        switch self {
        case .any: return true
        case .none: return false
        case .low: return severity >= .low
        case .medium: return severity >= .medium
        case .high: return severity >= .high
        case .critical: return severity >= .critical
        }
    }
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find known-vulnerable packages in function bundles and source trees.",
        discussion: """
        Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on; 2 usage or \
        input error (a file or entry that could not be read, a package that could not be evaluated) \
        when no finding already makes it 1.

        Examples:
          fnaudit scan function.zip
          fnaudit scan ./service --format json --output report.json
          fnaudit scan layer.zip app.jar --fail-on HIGH
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Fail (exit 1) on findings at or above: ANY (default, includes UNKNOWN), LOW, MEDIUM, HIGH, CRITICAL, or NONE.",
                               valueName: "severity"))
    var failOn: FailOn = .any

    func run() throws {
        let store = try database.open(quiet: input.quiet)
        let inventory = input.inventory()
        let match = try Matcher(store: store).match(inventory.packages)
        let status = try store.status()
        let report = ScanReport(inputs: input.paths, packages: inventory.packages, match: match, issues: inventory.issues,
                                database: DatabaseInfo(status), includeDev: input.includeDev)
        switch output.format {
        case .table: try output.write(Data(TableReport.render(report, colour: output.colour).utf8))
        case .json: try output.write(JSONReport.render(report, version: FnauditInfo.version))
        }
        if report.findings.contains(where: { failOn.fails($0.severity) }) { throw ExitCode(1) }
        if !report.errors.isEmpty || !report.unevaluated.isEmpty { throw ExitCode(2) }
    }
}

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List the packages in function bundles and source trees, without matching advisories.",
        discussion: "Examples:\n  fnaudit inventory function.zip\n  fnaudit inventory . --include-dev --format json"
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let inventory = input.inventory()
        let report = ScanReport(inputs: input.paths, packages: inventory.packages, match: nil, issues: inventory.issues,
                                database: nil, includeDev: input.includeDev)
        switch output.format {
        case .json:
            try output.write(JSONReport.render(report, version: FnauditInfo.version, withFindings: false))
        case .table:
            var text = ""
            for p in report.packages {
                let version = p.versionKind == .exact ? p.version : "(\(p.versionKind.rawValue): \(p.versionNote ?? ""))"
                text += "\(p.ecosystem.rawValue)\t\(p.name)\t\(version)\t\(p.isDev ? "dev\t" : "")\(TableLocation.text(p))\n"
            }
            text += TableReport.summaryLine(report).replacingOccurrences(of: "; 0 findings", with: "") + "\n"
            try output.write(Data(text.utf8))
        }
        if !report.errors.isEmpty { throw ExitCode(2) }
    }
}

enum TableLocation {
    static func text(_ package: Package) -> String {
        guard let first = package.locations.first else { return "" }
        let base = first.line.map { "\(first):\($0)" } ?? first.description
        return package.locations.count > 1 ? "\(base) (+\(package.locations.count - 1) more)" : base
    }
}

extension DatabaseInfo {
    init(_ status: DatabaseStatus) {
        self.init(path: status.path, snapshotDate: status.snapshotDate, sources: status.sources.map {
            DatabaseInfo.Source(name: $0.name, sha256: $0.sha256, origin: $0.origin, date: $0.snapshotDate, license: $0.license)
        })
    }
}
