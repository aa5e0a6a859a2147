import Foundation
import FnauditModel

/// `yarn.lock`, classic (v1) and berry (v2+, `__metadata`), read line by line: v1 is not YAML,
/// and both share the same shape of "specs:" headers with indented fields.
public struct YarnLockExtractor: Extractor {
    public let id = ExtractorID.yarnLock
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
            guard case (var name, let range)? = NpmNames.splitNameAndVersion(Substring(unquoted)) else { return }
            // Aliases (`alias@npm:real@^1`): the package installed is the real one.
            if range.hasPrefix("npm:"), let real = NpmNames.splitNameAndVersion(range.dropFirst(4)) {
                name = real.name
            } else if range.hasPrefix("npm:"), !range.dropFirst(4).contains("@"),
                      let resolved = NpmNames.splitNameAndVersion(Substring(fields["resolution"] ?? "")), resolved.version.hasPrefix("npm:") {
                name = resolved.name
            }
            let resolution = fields["resolution"] ?? ""
            // Workspaces and links are the project itself, not dependencies.
            if range.hasPrefix("workspace:") || resolution.contains("@workspace:") || range.hasPrefix("link:") { return }
            guard let version = fields["version"] else { return }
            var package = NpmNames.package(name: name, version: version, location: input.location(line: line),
                                           isDev: false, extractor: id, resolved: fields["resolved"])
            if resolution.count > 1,
               let at = resolution.range(of: "@", options: .backwards, range: resolution.index(after: resolution.startIndex)..<resolution.endIndex) {
                let protocolPart = resolution[at.upperBound...]
                if !(protocolPart.hasPrefix("npm:") || protocolPart.hasPrefix("patch:")) && !protocolPart.isEmpty {
                    package.versionKind = .nonRegistry
                    package.versionNote = resolution
                }
            }
            result.packages.append(package)
        }

        var lineNumber = 0
        for rawLine in TextLines.split(input.text) {
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
            // `key "value"` (v1) or `key: value` (berry): the key ends at the first space or colon.
            guard let end = body.firstIndex(where: { $0 == " " || $0 == ":" }) else { continue }
            // Keys may be quoted too (`"version" "0.0.1"`, `"version": 2.0.0`): the quotes are not part of the name.
            var key = body[..<end]
            if key.hasPrefix("\""), let close = body.dropFirst().firstIndex(of: "\"") {
                key = body[body.index(after: body.startIndex)..<close]
                let rest = body[body.index(after: close)...].drop { $0 == ":" || $0 == " " }
                fields[String(key)] = rest.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                continue
            }
            let value = body[body.index(after: end)...]
            fields[String(key)] = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        flush()
        let meaningful = TextLines.split(input.text).contains { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if !sawEntry && meaningful && !input.text.contains("__metadata") {
            throw ExtractionError("not a yarn.lock: no entries")
        }
        return result
    }
}
