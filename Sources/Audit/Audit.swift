import Foundation
import FnauditAdvisory
import FnauditAdvisoryDB
import FnauditDeployment
import FnauditExtractors
import FnauditMatching
import FnauditModel
import FnauditPolicy
import FnauditScanning

/// What to audit and how: everything the command line can say, as a value.
public struct AuditRequest: Sendable {
    /// Function artifacts, folders or single lockfiles.
    public var inputs: [String]
    public var scan = ScanOptions()
    /// Keep dev, test and provided dependencies in the report.
    public var includeDev = false
    /// The advisory database; nil for `$FNAUDIT_DB` or the cache default (`DatabaseLocation`).
    public var databasePath: String?
    /// `.fnaudit.toml` to apply; nil to look for one at the root of the first folder input.
    public var configPath: String?
    /// Which scanners run (`--scanners`): packages and their vulnerabilities, secrets, or both (the default).
    public var scanners: Set<ScannerKind> = Set(ScannerKind.allCases)
    /// Told when slow set-up starts (building the database on first use).
    public var announce: (@Sendable (String) -> Void)?
    /// `--layer`/`--runtime`: the first input is one function's code, these its layers in merge order.
    public var function: FunctionRequest?
    /// OpenVEX or CycloneDX VEX documents to apply (`--vex`, repeatable).
    public var vexPaths: [String] = []

    public init(inputs: [String]) {
        self.inputs = inputs
    }
}

/// One function named on the command line: `fnaudit scan fn.zip --layer a.zip --layer b.zip --runtime python3.12`.
public struct FunctionRequest: Sendable {
    public var layers: [String]
    public var runtime: String?
    public var handler: String?

    public init(layers: [String] = [], runtime: String? = nil, handler: String? = nil) {
        self.layers = layers
        self.runtime = runtime
        self.handler = handler
    }

    /// The function these inputs make: the code's display path is the input as the walk shows it.
    func definition(code: String) -> FunctionDefinition {
        func artifact(_ input: String) -> CodeArtifact {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                return CodeArtifact(kind: .missing, path: input, reason: "no such file or directory")
            }
            var path = input
            while isFolder.boolValue && path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return CodeArtifact(kind: isFolder.boolValue ? .directory : .archive, path: path)
        }
        let name = URL(fileURLWithPath: code).lastPathComponent
        return FunctionDefinition(name: name, framework: .cli, runtime: runtime, handler: handler, artifact: artifact(code),
                                  layers: layers.map { LayerReference(name: URL(fileURLWithPath: $0).lastPathComponent, artifact: artifact($0)) },
                                  descriptor: Location(path: code))
    }
}

/// Why an audit could not run at all (as opposed to inputs it could not read, which are issues in the report).
public enum AuditError: Error, CustomStringConvertible, Sendable {
    case invalidConfig(String)
    case database(String)

    public var description: String {
        switch self {
        case .invalidConfig(let message): return "invalid config \(message)"
        case .database(let message): return "advisory database: \(message)"
        }
    }
}

/// The whole pipeline as a library: inputs → walk → analyzers → inventory → matching → policy → report.
public enum Audit {
    /// Packages only, no advisories: what `fnaudit inventory` shows.
    public static func inventory(_ request: AuditRequest) -> AuditReport {
        let inventory = scan(request)
        var report = AuditReport(inputs: request.inputs, packages: inventory.packages, match: nil, issues: inventory.issues,
                                 database: nil, includeDev: request.includeDev, unidentified: inventory.unidentified,
                                 secrets: inventory.secrets)
        report.setDeployment(deployment(request, inventory))
        return report
    }

    /// The functions the descriptors define, and the one the command line names, with their effective packages.
    static func deployment(_ request: AuditRequest, _ inventory: Inventory) -> DeploymentView.Result {
        var definitions = inventory.functions
        if !request.scanners.contains(.permissions) {
            for index in definitions.indices { definitions[index].permissions = nil }
        }
        if let function = request.function, let code = request.inputs.first {
            definitions.insert(function.definition(code: code), at: 0)
        }
        return DeploymentView.resolve(definitions, packages: inventory.packages)
    }

    /// The walk, with jar digests computed and the analyzers of the requested scanners; secrets are
    /// fingerprinted with swift-crypto's SHA-256 inside the analyzer, so no value reaches the inventory.
    static func scan(_ request: AuditRequest) -> Inventory {
        var options = request.scan
        if options.digester == nil { options.digester = CryptoDigester() }
        let analyzers = ExtractorRegistry.analyzers(for: request.scanners, fingerprinter: CryptoDigester())
        return InventoryScanner(options: options, analyzers: analyzers).inventory(of: request.inputs + (request.function?.layers ?? []))
    }

    /// A full scan against the advisory database, with the suppressions of `.fnaudit.toml` applied.
    public static func run(_ request: AuditRequest) throws -> AuditReport {
        let policy = try loadPolicy(request)
        let interop = try loadInterop(request)
        let store = try openDatabase(request)
        var inventory = scan(request)
        do {
            try identifyByAdvisoryNames(&inventory, store)
            let match = try Matcher(source: store).match(inventory.packages)
            var report = AuditReport(inputs: request.inputs, packages: inventory.packages, match: match, issues: inventory.issues + interop.warnings,
                                     database: try store.provenance(), includeDev: request.includeDev,
                                     unidentified: inventory.unidentified, suppressions: policy.suppressions + interop.suppressions,
                                     secrets: inventory.secrets, secretAllows: policy.secretAllows, vex: interop.vex)
            report.setDeployment(deployment(request, inventory))
            return report
        } catch {
            throw AuditError.database("\(error)")
        }
    }

    /// A jar known only by its file name (`jsoup-1.14.2.jar`) is identified when the advisories
    /// name exactly one Maven package with that artifactId; with none or several it stays unidentified.
    static func identifyByAdvisoryNames(_ inventory: inout Inventory, _ source: any AdvisorySource) throws {
        var found: [Package] = []
        var still: [UnidentifiedArtifact] = []
        var names: [String: [String]] = [:]
        for artifact in inventory.unidentified {
            guard let artifactId = artifact.artifactHint, let version = artifact.versionHint else {
                still.append(artifact)
                continue
            }
            if names[artifactId] == nil { names[artifactId] = try source.mavenNames(artifactId: artifactId) }
            guard let candidates = names[artifactId], candidates.count == 1, let name = candidates.first else {
                still.append(artifact)
                continue
            }
            var package = Package(ecosystem: .maven, name: name, version: version, locations: [artifact.location], extractor: .jarFileName)
            package.identification = Identification(method: "advisory-database",
                                                    evidence: "the only Maven package named \(artifactId) in the advisories")
            package.digests = artifact.digests
            found.append(package)
        }
        guard !found.isEmpty else { return }
        inventory.packages = PackageMerger.merge(inventory.packages + found)
        inventory.unidentified = still
    }

    /// Opens the database, building it from the shipped snapshot on first use.
    public static func openDatabase(_ request: AuditRequest) throws -> AdvisoryStore {
        do {
            return try AdvisoryStore.openOrBuild(path: DatabaseLocation.resolve(explicit: request.databasePath),
                                                 progress: request.scan.progress, announce: { request.announce?($0) })
        } catch {
            throw AuditError.database("\(error)")
        }
    }

    static func loadPolicy(_ request: AuditRequest) throws -> PolicyConfig.Contents {
        guard let path = PolicyConfig.locate(explicit: request.configPath, inputs: request.inputs) else { return PolicyConfig.Contents() }
        do {
            return try PolicyConfig.read(path)
        } catch {
            throw AuditError.invalidConfig("\(error)")
        }
    }

    /// Other tools' triage: `.trivyignore` and `osv-scanner.toml` at the scan root (after
    /// `.fnaudit.toml`, whose entries win), and the `--vex` documents. An explicit `--config` is the
    /// whole policy, as `--ignorefile`/`--config` are for Trivy and osv-scanner: discovered ignore
    /// files are then not applied (a warning says so).
    static func loadInterop(_ request: AuditRequest) throws -> (suppressions: [Suppression], vex: [VEXStatement], warnings: [ScanIssue]) {
        var suppressions: [Suppression] = [], statements: [VEXStatement] = [], warnings: [ScanIssue] = []
        do {
            for path in IgnoreFiles.locate(inputs: request.inputs) {
                if request.configPath != nil {
                    warnings.append(ScanIssue(location: Location(path: path), message: "not applied: --config names the whole policy", severity: .warning))
                    continue
                }
                let result = try IgnoreFiles.read(path)
                suppressions += result.suppressions
                warnings += result.warnings
            }
            for path in request.vexPaths {
                let result = try VEXReader.read(path)
                statements += result.statements
                warnings += result.warnings
            }
        } catch {
            throw AuditError.invalidConfig("\(error)")
        }
        return (suppressions, statements, warnings)
    }
}

extension AuditReport {
    /// The deployment view joins the report: functions for every format, shadowed packages for the gate.
    mutating func setDeployment(_ view: DeploymentView.Result) {
        functions = view.functions
        shadowedPackages = view.shadowedEverywhere
    }
}
