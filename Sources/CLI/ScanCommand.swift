import ArgumentParser
import Foundation
import FnauditAudit
import FnauditModel
import FnauditPolicy
import FnauditReporting
import FnauditScanning

/// Options shared by `scan` and `inventory`: what to read and how far to trust it.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Function artifacts (zip, jar, war, wheel, tar.gz…), source folders (SAM, CDK and Serverless projects are found in them), or single lockfiles.",
                                 valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("targets-from"), help: ArgumentHelp("Also scan the paths listed in FILE, one per line (# comments and blank lines skipped).",
                                                                 valueName: "file"))
    var targetsFrom: String?

    @Option(name: .customLong("layer"), help: ArgumentHelp("A layer of the function given as the first path (repeatable, in merge order: a later layer overwrites an earlier one).",
                                                          valueName: "zip"))
    var layers: [String] = []

    @Option(help: ArgumentHelp("The runtime of the function given as the first path (python3.12, nodejs20.x, java21): chooses the search path of its layers.",
                               valueName: "runtime"))
    var runtime: String?

    @Option(help: ArgumentHelp("The handler of that function (src/app.handler): Node looks for node_modules from its folder up.", valueName: "handler"))
    var handler: String?

    /// The paths named as arguments and in --targets-from.
    func inputs() throws -> [String] {
        guard let targetsFrom else { return paths }
        guard let data = FileManager.default.contents(atPath: targetsFrom) else {
            throw CLIError.input("--targets-from \(targetsFrom): cannot be read")
        }
        let listed = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        return paths + listed
    }

    @Flag(help: "Include dev, test and provided dependencies (left out by default).")
    var includeDev = false

    @Option(help: ArgumentHelp("What to look for, comma-separated: vuln (packages and known vulnerabilities), secret (credentials in text files), permissions (what each SAM/CDK/Serverless function's role may do).",
                               valueName: "list"))
    var scanners = "vuln,secret,permissions"

    /// `--scanners` as a set; throws on an unknown or empty list.
    func scannerKinds() throws -> Set<ScannerKind> {
        var kinds = Set<ScannerKind>()
        for word in scanners.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            let spelled = ["secrets": "secret", "vulns": "vuln", "permission": "permissions", "iam": "permissions"][word] ?? word
            guard let kind = ScannerKind(rawValue: spelled) else {
                throw ValidationError("--scanners: unknown scanner \"\(word)\" (known: vuln, secret, permissions)")
            }
            kinds.insert(kind)
        }
        guard !kinds.isEmpty else { throw ValidationError("--scanners needs at least one of vuln, secret, permissions") }
        return kinds
    }

    @Option(help: ArgumentHelp("How deep archives inside archives are opened (0: none).", valueName: "n"))
    var maxArchiveDepth = 8
    @Option(help: ArgumentHelp("Archives opened inside one input, at every depth.", valueName: "n"))
    var maxArchives = 20_000
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
        // Sizes are MiB and become bytes: 2^30 MiB (1 PiB) keeps every product far from overflow.
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("--max-archive-depth", maxArchiveDepth, 0...1_000), ("--max-archives", maxArchives, 0...100_000_000),
            ("--max-entry-size", maxEntrySize, 1...(1 << 30)), ("--max-total-size", maxTotalSize, 1...(1 << 30)),
            ("--max-ratio", maxRatio, 1...1_000_000_000), ("--max-entries", maxEntries, 1...1_000_000_000),
        ]
        for (name, value, range) in ranges where !range.contains(value) {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
        }
        _ = try scannerKinds()
        if paths.isEmpty && targetsFrom == nil { throw ValidationError("Missing expected argument '<path> ...' (or --targets-from FILE)") }
        if (!layers.isEmpty || runtime != nil || handler != nil) && paths.count != 1 {
            throw ValidationError("--layer, --runtime and --handler describe one function: give its code as the only path")
        }
        // A typo would silently change which copies load (no search path for an unknown runtime).
        if let runtime, runtime.range(of: #"^(python3\.[0-9]+|nodejs[0-9]+\.x|java[0-9]+(\.al2)?|provided(\.al2(023)?)?|dotnet[0-9]+|ruby[0-9]+\.[0-9]+|go1\.x)$"#,
                                      options: .regularExpression) == nil {
            throw ValidationError("--runtime \(runtime.debugDescription): not a Lambda runtime identifier (python3.12, nodejs20.x, java21, provided.al2023, …)")
        }
    }

    /// The request these options describe; `progress` draws the bar.
    func request(progress: ProgressBar) throws -> AuditRequest {
        var request = AuditRequest(inputs: try inputs())
        if !layers.isEmpty || runtime != nil || handler != nil {
            request.function = FunctionRequest(layers: layers, runtime: runtime, handler: handler)
        }
        request.includeDev = includeDev
        request.scanners = (try? scannerKinds()) ?? Set(ScannerKind.allCases)
        request.scan.archive.depth = maxArchiveDepth
        request.scan.archive.nestedArchives = maxArchives
        request.scan.archive.entryBytes = maxEntrySize << 20
        request.scan.archive.totalBytes = Int64(maxTotalSize) << 20
        request.scan.archive.compressionRatio = maxRatio
        request.scan.archive.entryCount = maxEntries
        request.scan.progress = progress.update
        let quiet = self.quiet
        request.announce = { message in if !quiet { Console.note(message) } }
        return request
    }

    /// Runs `body` with a progress bar, then prints the report's errors (and warnings with --verbose).
    func run(_ body: (AuditRequest) throws -> AuditReport) throws -> AuditReport {
        let bar = ProgressBar(enabled: !quiet && Terminal.standardErrorIsInteractive)
        let report: AuditReport
        do {
            defer { bar.finish() }
            report = try body(try request(progress: bar))
        } catch let error as AuditError {
            throw CLIError.input(error.description)
        }
        if !quiet {
            for issue in report.issues where issue.severity == .error { Console.error("\(issue.location): \(issue.message)") }
            if verbose {
                for issue in report.issues where issue.severity == .warning && !report.configurationWarnings.contains(issue) {
                    Console.warn("\(issue.location): \(issue.message)")
                }
            }
            for warning in report.configurationWarnings { Console.warn("\(warning.location): \(warning.message)") }
            if verbose {
                for package in report.packages where package.versionKind == .unpinned {
                    Console.warn("\(package.locations.first.map { "\($0)\($0.line.map { ":\($0)" } ?? "")" } ?? ""): \(package.name) \(package.versionNote ?? "") is not pinned: left out of matching (pin it, or scan the lockfile)")
                }
            }
        }
        return report
    }
}

/// `--format`, and `--output FILE` or `--output FORMAT=FILE` (repeatable: several formats at once).
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, jsonl, sarif, cyclonedx, markdown, html, openvex }

    @Option(help: ArgumentHelp("Output format: table, json, jsonl (one JSON object per function or input, to merge fanned-out scans), sarif, cyclonedx, markdown, html or openvex (scan only).",
                               valueName: "format"))
    var format: Format?

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Write to FILE (format from --format, else from the extension: .sarif, .cdx.json, .json, .md, .html; else the table), or FORMAT=FILE to write another format too (repeatable): -o sarif=fnaudit.sarif -o cyclonedx=bom.json.",
        valueName: "[format=]file"))
    var output: [String] = []

    /// The format a file name implies.
    static func format(forFile name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".sarif") || lower.hasSuffix(".sarif.json") { return .sarif }
        if lower.hasSuffix(".cdx.json") || lower.hasSuffix(".cyclonedx.json") { return .cyclonedx }
        if lower.hasSuffix(".openvex.json") || lower.hasSuffix(".vex.json") { return .openvex }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .markdown }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        return nil
    }

    /// (format, file or nil for standard output)
    func destinations() throws -> [(Format, String?)] {
        var result: [(Format, String?)] = []
        var plain = false
        for entry in output {
            if let eq = entry.firstIndex(of: "="), !entry[..<eq].contains("/"), !entry[..<eq].contains(".") {
                let name = String(entry[..<eq])
                guard let named = Format(rawValue: name.lowercased()) else {
                    throw ValidationError("--output \(entry): unknown format \(name.debugDescription) (known: \(Format.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let file = String(entry[entry.index(after: eq)...])
                guard !file.isEmpty else { throw ValidationError("--output \(entry): no file name after '='") }
                result.append((named, file))
            } else {
                plain = true
                result.append((format ?? OutputOptions.format(forFile: entry) ?? .table, entry))
            }
        }
        if !plain { result.insert((format ?? .table, nil), at: 0) }
        return result
    }

    func validate() throws { _ = try destinations() }

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
    func emit(_ report: AuditReport, withFindings: Bool) throws {
        for (format, file) in try destinations() {
            let data: Data
            switch format {
            case .table:
                data = Data((withFindings ? TableReport.render(report, colour: file == nil && Terminal.colourOnStandardOutput,
                                                               width: file == nil ? Terminal.columns : 120)
                                          : InventoryTable.render(report)).utf8)
            case .json: data = try JSONReport.render(report, version: FnauditInfo.version, withFindings: withFindings)
            case .jsonl: data = try JSONReport.renderLines(report, version: FnauditInfo.version, withFindings: withFindings)
            case .sarif: data = try SARIFReport.render(report, version: FnauditInfo.version)
            case .cyclonedx: data = try CycloneDXReport.render(report, version: FnauditInfo.version, withVulnerabilities: withFindings)
            case .markdown: data = Data(MarkdownReport.render(report, withFindings: withFindings).utf8)
            case .html: data = Data(HTMLReport.render(report, version: FnauditInfo.version, withFindings: withFindings).utf8)
            case .openvex:
                // Statements are about findings: an inventory has none to make.
                guard withFindings else { throw CLIError.input("--format openvex needs findings: use it with `fnaudit scan`") }
                data = try OpenVEXReport.render(report, version: FnauditInfo.version)
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
        Exit codes: 0 nothing at or above --fail-on; 1 findings or secrets at or above --fail-on \
        (suppressed findings and allowed secrets never count); 2 usage or input error (a file or entry that could not be read, a \
        package that could not be evaluated, an invalid config) when no finding already makes it 1.

        Suppressions live in .fnaudit.toml at the scan root (or --config FILE):
          [[ignore]]
          id = "GHSA-p6mc-m468-83gw"      # any id or alias
          package = "npm:lodash"          # optional: ecosystem:name[@version]
          reason = "merge() never sees user input"
          until = 2026-12-31              # optional; afterwards it stops applying

        .trivyignore and osv-scanner.toml ([[IgnoredVulns]]) at the scan root are applied too, after \
        .fnaudit.toml; --config FILE replaces all of them. --vex FILE applies OpenVEX or CycloneDX VEX \
        statements; --format openvex writes the findings and suppressions as OpenVEX.

        Secrets (--scanners secret, on by default) are allowed by rule, path glob or fingerprint:
          [[secrets.allow]]
          rule = "jwt"                    # and/or path = "**/fixtures/**", fingerprint = "<sha256>"
          reason = "expired token used by the tests"

        Examples:
          fnaudit scan function.zip
          fnaudit scan ./service --format json --output report.json
          fnaudit scan layer.zip app.jar --fail-on HIGH --only-fixable
          fnaudit scan function.zip --scanners vuln
          fnaudit scan . -o sarif=fnaudit.sarif -o cyclonedx=bom.cdx.json
          fnaudit scan bom.cdx.json --vex triage.openvex.json -o openvex=fnaudit.openvex.json
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

    @Option(help: ArgumentHelp("Warn when an ecosystem's newest advisory is older than this many days.", valueName: "days"))
    var maxDbAge = 30

    @Flag(help: "Exit 2 when the advisories are older than --max-db-age (for CI that needs fresh data).")
    var failOnStale = false

    @Flag(help: "Exit 2 when anything could not be read or evaluated, even if findings would make it 1.")
    var failOnIncomplete = false

    @Option(help: ArgumentHelp("Show only findings of these severities (comma-separated: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL); --fail-on still gates on all.",
                               valueName: "list"))
    var severity: String?

    @Flag(help: "Do not show findings that have no fixed version (--only-fixable is the gate's counterpart).")
    var ignoreUnfixed = false

    @Option(help: ArgumentHelp("An OpenVEX or CycloneDX VEX document (repeatable): not_affected and fixed statements suppress their findings, under_investigation marks them.",
                               valueName: "file"))
    var vex: [String] = []

    func validate() throws { _ = try severities() }

    func severities() throws -> Set<Severity>? {
        guard let severity else { return nil }
        return Set(try severity.split(separator: ",").map { word in
            guard let value = Severity(rawValue: word.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw ValidationError("--severity: unknown severity \(word.debugDescription) (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)")
            }
            return value
        })
    }

    func run() throws {
        var report = try input.run { request in
            var request = request
            request.databasePath = database.path
            request.configPath = config
            request.vexPaths = vex
            return try Audit.run(request)
        }
        report.display = AuditReport.DisplayFilter(severities: try severities(), ignoreUnfixed: ignoreUnfixed)
        let gate = GatePolicy(threshold: failOn, onlyFixable: onlyFixable, maxDatabaseAgeDays: maxDbAge, failOnStale: failOnStale,
                              failOnIncomplete: failOnIncomplete)
        if !input.quiet {
            for stale in report.staleEcosystems(gate) {
                Console.warn("the \(stale.ecosystem) advisories are \(stale.ageDays.map { "\($0) days" } ?? "of unknown age") old (newest record \(stale.newestModified?.prefix(10) ?? "none")): refresh them with `fnaudit db update` (online) or `fnaudit db import` (offline)")
            }
        }
        try output.emit(report, withFindings: true)
        switch report.outcome(gate) {
        case .failed: throw ExitCode(1)
        case .incomplete: throw ExitCode(2)
        case .clean: break
        }
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
        let report = try input.run(Audit.inventory)
        try output.emit(report, withFindings: false)
        if !report.errors.isEmpty { throw ExitCode(2) }
    }
}
