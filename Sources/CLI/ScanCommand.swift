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

/// `--format`, and `--output FILE` or `--output FORMAT=FILE` (repeatable: several formats at once).
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, sarif, cyclonedx, markdown }

    @Option(help: ArgumentHelp("Output format: table, json, sarif, cyclonedx or markdown.", valueName: "format"))
    var format: Format = .table

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Write --format to FILE, or FORMAT=FILE to write another format too (repeatable): -o sarif=fnaudit.sarif -o cyclonedx=bom.json.",
        valueName: "[format=]file"))
    var output: [String] = []

    /// (format, file or nil for standard output)
    func destinations() throws -> [(Format, String?)] {
        var result: [(Format, String?)] = []
        var plain = false
        for entry in output {
            if let eq = entry.firstIndex(of: "="), let named = Format(rawValue: String(entry[..<eq]).lowercased()) {
                let file = String(entry[entry.index(after: eq)...])
                guard !file.isEmpty else { throw ValidationError("--output \(entry): no file name after '='") }
                result.append((named, file))
            } else {
                plain = true
                result.append((format, entry))
            }
        }
        if !plain { result.insert((format, nil), at: 0) }
        return result
    }

    func validate() throws { _ = try destinations() }

    static var colourOnStdout: Bool {
        isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) != false
    }

    func write(_ data: Data, to file: String?) throws {
        guard let file else {
            FileHandle.standardOutput.write(data)
            return
        }
        guard FileManager.default.createFile(atPath: file, contents: data) else {
            throw CLIError.input("cannot write \(file)")
        }
    }

    /// Renders `report` in every requested format.
    func emit(_ report: ScanReport, withFindings: Bool) throws {
        for (format, file) in try destinations() {
            let data: Data
            switch format {
            case .table:
                data = Data((withFindings ? TableReport.render(report, colour: file == nil && OutputOptions.colourOnStdout)
                                          : InventoryTable.render(report)).utf8)
            case .json: data = try JSONReport.render(report, version: FnauditInfo.version, withFindings: withFindings)
            case .sarif: data = try SARIFReport.render(report, version: FnauditInfo.version)
            case .cyclonedx: data = try CycloneDXReport.render(report, version: FnauditInfo.version, withVulnerabilities: withFindings)
            case .markdown: data = Data(MarkdownReport.render(report).utf8)
            }
            try write(data, to: file)
        }
    }
}

extension GatePolicy.Threshold: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find known-vulnerable packages in function bundles and source trees.",
        discussion: """
        Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on (suppressed \
        findings never count); 2 usage or input error (a file or entry that could not be read, a \
        package that could not be evaluated, an invalid config) when no finding already makes it 1.

        Suppressions live in .fnaudit.toml at the scan root (or --config FILE):
          [[ignore]]
          id = "GHSA-p6mc-m468-83gw"      # any id or alias
          package = "npm:lodash"          # optional: ecosystem:name[@version]
          reason = "merge() never sees user input"
          until = 2026-12-31              # optional; afterwards it stops applying

        Examples:
          fnaudit scan function.zip
          fnaudit scan ./service --format json --output report.json
          fnaudit scan layer.zip app.jar --fail-on HIGH --only-fixable
          fnaudit scan . -o sarif=fnaudit.sarif -o cyclonedx=bom.cdx.json
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Fail (exit 1) on findings at or above: ANY (default, includes UNKNOWN), LOW, MEDIUM, HIGH, CRITICAL, or NONE.",
                               valueName: "severity"))
    var failOn: GatePolicy.Threshold = .any

    @Flag(help: "Only findings that have a fixed version fail the run.")
    var onlyFixable = false

    @Option(help: ArgumentHelp("Suppressions file (default: .fnaudit.toml in the scanned folder).", valueName: "file"))
    var config: String?

    func run() throws {
        var suppressions: [Suppression] = []
        if let path = PolicyConfig.locate(explicit: config, inputs: input.paths) {
            do {
                suppressions = try PolicyConfig.load(path)
            } catch {
                throw CLIError.input("invalid config \(error)")
            }
        }
        let store = try database.open(quiet: input.quiet)
        let inventory = input.inventory()
        let match = try Matcher(store: store).match(inventory.packages)
        let report = ScanReport(inputs: input.paths, packages: inventory.packages, match: match, issues: inventory.issues,
                                database: try DatabaseInfo(store), includeDev: input.includeDev, suppressions: suppressions)
        if !input.quiet {
            for warning in report.configurationWarnings { Console.warn("\(warning.location): \(warning.message)") }
        }
        try output.emit(report, withFindings: true)
        if report.fails(GatePolicy(threshold: failOn, onlyFixable: onlyFixable)) { throw ExitCode(1) }
        if !report.errors.isEmpty || !report.unevaluated.isEmpty { throw ExitCode(2) }
    }
}

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List the packages in function bundles and source trees, without matching advisories.",
        discussion: """
        Examples:
          fnaudit inventory function.zip
          fnaudit inventory . --include-dev --format json
          fnaudit inventory function.zip --format cyclonedx --output sbom.cdx.json
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let inventory = input.inventory()
        let report = ScanReport(inputs: input.paths, packages: inventory.packages, match: nil, issues: inventory.issues,
                                database: nil, includeDev: input.includeDev)
        try output.emit(report, withFindings: false)
        if !report.errors.isEmpty { throw ExitCode(2) }
    }
}

extension DatabaseInfo {
    init(_ store: AdvisoryStore) throws {
        let provenance = try store.provenance()
        self.init(path: store.path, snapshotDate: provenance.snapshotDate, sources: provenance.sources.map {
            DatabaseInfo.Source(name: $0.name, sha256: $0.sha256, origin: $0.origin, date: $0.snapshotDate, license: $0.license)
        })
    }
}
