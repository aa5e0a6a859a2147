import Foundation
import FnauditMatching
import FnauditModel

/// One `[[ignore]]` entry of `.fnaudit.toml`: a finding the team has looked at and accepted.
public struct Suppression: Sendable, Equatable {
    /// Any id or alias of the finding (`GHSA-…`, `CVE-…`, `PYSEC-…`).
    public var id: String
    /// Limits it to one package (`npm:lodash`, `Maven:org.yaml:snakeyaml`), optionally one version.
    public var ecosystem: Ecosystem?
    public var packageName: String?
    public var packageVersion: String?
    public var reason: String
    /// `YYYY-MM-DD`: from the day after, the suppression no longer applies and a warning says so.
    public var until: String?
    /// Where it was written, for messages.
    public var location: Location
    /// Which kind of file it came from (reports name it when it is not `.fnaudit.toml`).
    public var origin: Origin = .fnauditConfig
    /// The VEX statement it stands for; it then matches by the statement's ids and purls.
    public var vex: VEXStatement?

    public enum Origin: String, Sendable {
        case fnauditConfig = ".fnaudit.toml", trivyIgnore = ".trivyignore", osvScanner = "osv-scanner.toml"
        case openVEX = "OpenVEX", cycloneDXVEX = "CycloneDX VEX"
    }

    /// "the .trivyignore at x/.trivyignore:3" style label of where it came from; nil for `.fnaudit.toml`.
    public var sourceLabel: String? {
        origin == .fnauditConfig ? nil : location.path + (location.line.map { ":\($0)" } ?? "")
    }

    public init(id: String, ecosystem: Ecosystem? = nil, packageName: String? = nil, packageVersion: String? = nil,
                reason: String, until: String? = nil, location: Location) {
        self.id = id
        self.ecosystem = ecosystem
        self.packageName = packageName
        self.packageVersion = packageVersion
        self.reason = reason
        self.until = until
        self.location = location
    }

    func matches(_ finding: Finding) -> Bool {
        if let vex { return vex.matches(finding) }
        let names = Set(([finding.id] + finding.advisoryIDs + finding.aliases).map { $0.uppercased() })
        guard names.contains(id.uppercased()) else { return false }
        if let ecosystem, ecosystem != finding.package.ecosystem { return false }
        if let packageName, ecosystem.map({ $0.normalizedName(packageName) }) ?? packageName != finding.package.normalizedName {
            return false
        }
        if let packageVersion, packageVersion != finding.package.version { return false }
        return true
    }

    /// Expired when `until` is before `today` (both `YYYY-MM-DD`).
    func isExpired(today: String) -> Bool {
        guard let until else { return false }
        return until < today
    }
}
