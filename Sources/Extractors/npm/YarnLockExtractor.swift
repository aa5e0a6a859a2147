import Foundation
import FnauditModel

/// `yarn.lock`, classic (v1) and berry (v2+, `__metadata`), read line by line: v1 is not YAML,
/// and both share the same shape of "specs:" headers with indented fields.
public struct YarnLockExtractor: Extractor {
    public let name = "yarn.lock"
    public let ecosystem = Ecosystem.npm
    public init() {}

    public func fileRequired(_ path: String) -> Bool { PathName.base(path) == "yarn.lock" }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !input.contents.contains(0) else { throw ExtractionError("not a yarn.lock: binary content") }
        var result = Extraction()
        var header: (specs: String, line: Int)?
        var fields: [String: String] = [:]
        var sawEntry = false

        func flush() {
            defer { header = nil; fields = [:] }
            guard let (specs, line) = header, specs != "__metadata" else { return }
            sawEntry = true
            let first = specs.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? specs
            let unquoted = first.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard let (name, range) = NpmNames.splitNameAndVersion(Substring(unquoted)) else { return }
            let resolution = fields["resolution"] ?? ""
            // Workspaces and links are the project itself, not dependencies.
            if range.hasPrefix("workspace:") || resolution.contains("@workspace:") || range.hasPrefix("link:") { return }
            guard let version = fields["version"] else { return }
            var package = NpmNames.package(name: name, version: version, location: input.location(line: line),
                                           isDev: false, extractor: self.name, resolved: fields["resolved"])
            if let at = resolution.range(of: "@", options: .backwards, range: resolution.index(after: resolution.startIndex)..<resolution.endIndex) {
                let protocolPart = resolution[at.upperBound...]
                if !(protocolPart.hasPrefix("npm:") || protocolPart.hasPrefix("patch:")) && !protocolPart.isEmpty {
                    package.versionKind = .nonRegistry
                    package.versionNote = resolution
                }
            }
            result.packages.append(package)
        }

        var lineNumber = 0
        for rawLine in input.text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !line.hasPrefix(" ") {
                flush()
                guard line.hasSuffix(":") else {
                    throw ExtractionError("not a yarn.lock: unexpected line \(lineNumber)")
                }
                header = (String(line.dropLast()), lineNumber)
                continue
            }
            // Only the entry's own fields (two-space indent), not nested dependency maps.
            guard header != nil, line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let body = line.dropFirst(2)
            let key: Substring, value: Substring
            if let colon = body.firstIndex(of: ":"), !body.hasPrefix("\"") {
                key = body[..<colon]
                value = body[body.index(after: colon)...]
            } else if let space = body.firstIndex(of: " ") {
                key = body[..<space]
                value = body[body.index(after: space)...]
            } else {
                continue
            }
            fields[String(key)] = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        flush()
        if !sawEntry && !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            && !input.text.contains("yarn lockfile") && !input.text.contains("__metadata") {
            throw ExtractionError("not a yarn.lock: no entries")
        }
        return result
    }
}
