import Foundation
import FnauditModel

/// pip requirements files: `requirements*.txt`, `*-requirements.txt`, `requirements/*.txt`.
///
/// Follows `-r`/`--requirement` includes and `-c`/`--constraint` files relative to the file that
/// names them (a constraint pins a requirement without adding one, as pip does), joins `\`
/// continuations, drops comments and `--hash` options, keeps extras and environment markers.
/// Only `==V` (no wildcard) and `===V` are pins; anything else is reported as unpinned.
/// URLs, local paths and VCS links are recorded, never matched by version.
public struct RequirementsExtractor: Extractor {
    public let id = ExtractorID.requirements
    public init() {}

    public func fileRequired(_ path: String) -> Bool {
        guard path.hasSuffixBytes(".txt") || path.hasSuffixBytes(".TXT") else { return false }
        let base = PathName.base(path).lowercased()
        if base.hasPrefix("requirements") || base.hasSuffix("-requirements.txt") || base.hasSuffix("_requirements.txt") { return true }
        let parts = PathName.components(path)
        return parts.count >= 2 && parts[parts.count - 2].lowercased() == "requirements"
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !input.contents.contains(0) else { throw ExtractionError("not a requirements file: binary content") }
        var state = State()
        read(path: input.path, location: input.location, contents: input.contents, input: input, asConstraint: false, state: &state)
        // Constraints pin requirements that are otherwise unpinned.
        for i in state.requirements.indices where state.requirements[i].versionKind == .unpinned {
            let key = Ecosystem.pypi.normalizedName(state.requirements[i].name)
            if let pin = state.constraints[key] {
                state.requirements[i].version = pin.version
                state.requirements[i].versionKind = .exact
                state.requirements[i].versionNote = nil
                state.requirements[i].locations += pin.locations
            }
        }
        return Extraction(packages: state.requirements, issues: state.issues)
    }

    private struct State {
        var requirements: [Package] = []
        var constraints: [String: Package] = [:]
        var issues: [ScanIssue] = []
        var visited: Set<String> = []
    }

    private func read(path: String, location: Location, contents: [UInt8], input: ExtractorInput, asConstraint: Bool, state: inout State) {
        guard state.visited.insert(path).inserted else { return }   // include cycles
        for (line, text) in logicalLines(String(decoding: contents, as: UTF8.self)) {
            let here = Location(path: location.path, entryChain: location.entryChain, line: line)
            if text.hasPrefix("-") {
                handleOption(text, from: path, at: here, input: input, asConstraint: asConstraint, state: &state)
                continue
            }
            guard var package = parseRequirement(text, at: here) else {
                state.issues.append(ScanIssue(location: here, message: "unreadable requirement \(text.debugDescription)", severity: .warning))
                continue
            }
            if asConstraint {
                if package.versionKind == .exact { state.constraints[package.normalizedName] = package }
            } else {
                package.extractors = [id]
                state.requirements.append(package)
            }
        }
    }

    private func handleOption(_ text: String, from path: String, at here: Location, input: ExtractorInput,
                              asConstraint: Bool, state: inout State) {
        let (option, argument) = splitOption(text)
        switch option {
        case "-r", "--requirement", "-c", "--constraint":
            guard let argument, !argument.isEmpty else { return }
            if argument.contains("://") {
                state.issues.append(ScanIssue(location: here, message: "remote include \(argument) not read (fnaudit works offline)", severity: .warning))
                return
            }
            guard let target = PathName.join(PathName.directory(path), argument),
                  let bytes = input.siblings.contents(of: target) else {
                state.issues.append(ScanIssue(location: here, message: "included file \(argument) not found"))
                return
            }
            let targetLocation = includedLocation(of: here, directory: PathName.directory(path), argument: argument)
            let isConstraint = option == "-c" || option == "--constraint"
            read(path: target, location: targetLocation, contents: bytes, input: input, asConstraint: asConstraint || isConstraint, state: &state)
        case "-e", "--editable":
            guard let argument else { return }
            let name = eggName(argument) ?? argument
            state.requirements.append(Package(ecosystem: .pypi, name: name, version: "", versionKind: .nonRegistry,
                                              versionNote: argument, locations: [here], extractor: id))
        default:
            break   // index options, --hash on its own line, --pre, …: nothing to extract
        }
    }

    /// Where an included file is, for reports: a sibling of the including file.
    private func includedLocation(of here: Location, directory: String, argument: String) -> Location {
        if here.entryChain.isEmpty {
            let base = (here.path as NSString).deletingLastPathComponent
            let joined = PathName.join(base.hasPrefix("/") ? "" : base, argument) ?? argument
            return Location(path: base.hasPrefix("/") ? (base as NSString).appendingPathComponent(argument) : joined)
        }
        var chain = here.entryChain
        let last = chain.removeLast()
        chain.append(PathName.join(PathName.directory(last), argument) ?? argument)
        return Location(path: here.path, entryChain: chain)
    }

    private func splitOption(_ text: String) -> (String, String?) {
        if let eq = text.firstIndex(of: "="), text.hasPrefix("--"), !text[..<eq].contains(" ") {
            return (String(text[..<eq]), String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces))
        }
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = parts.first else { return (text, nil) }
        if parts.count == 2 { return (String(first), parts[1].trimmingCharacters(in: .whitespaces)) }
        // `-rfile.txt`
        if first.count > 2, first.hasPrefix("-"), !first.hasPrefix("--") {
            return (String(first.prefix(2)), String(first.dropFirst(2)))
        }
        return (String(first), nil)
    }

    /// Physical lines joined at trailing backslashes, comments removed, with each logical line's first line number.
    private func logicalLines(_ text: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var pending = "", pendingLine = 0, number = 0
        for raw in TextLines.split(text) {
            number += 1
            var line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if pending.isEmpty { pendingLine = number }
            // A comment starts with `#` at the line start or after whitespace (`#egg=` in URLs is not one).
            if line.hasPrefix("#") {
                line = ""
            } else if let range = line.range(of: " #") ?? line.range(of: "\t#") {
                line = String(line[..<range.lowerBound])
            }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            if !whole.isEmpty { result.append((pendingLine, whole)) }
        }
        let rest = pending.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { result.append((pendingLine, rest)) }
        return result
    }

    /// One PEP 508 requirement (or a URL/path requirement) into a package.
    func parseRequirement(_ line: String, at location: Location) -> Package? {
        var text = line
        // Per-requirement options (`--hash=sha256:…`, `-C key=value`) follow the requirement.
        if let option = text.range(of: #"\s-{1,2}[A-Za-z]"#, options: .regularExpression) { text = String(text[..<option.lowerBound]) }
        var marker: String?
        if let semicolon = text.range(of: ";") {
            marker = text[semicolon.upperBound...].trimmingCharacters(in: .whitespaces)
            text = String(text[..<semicolon.lowerBound])
        }
        text = text.trimmingCharacters(in: .whitespaces)
        // `name @ url` (PEP 508 direct reference).
        if let at = text.range(of: "@"), !text.contains("://") || text[..<at.lowerBound].allSatisfy({ !":/".contains($0) }),
           text[..<at.lowerBound].trimmingCharacters(in: .whitespaces).allSatisfy({ $0.isLetter || $0.isNumber || "-_.[], ".contains($0) }),
           !text[..<at.lowerBound].trimmingCharacters(in: .whitespaces).isEmpty {
            let name = stripExtras(text[..<at.lowerBound].trimmingCharacters(in: .whitespaces))
            let url = text[at.upperBound...].trimmingCharacters(in: .whitespaces)
            return package(name: name, version: "", kind: .nonRegistry, note: url, marker: marker, location: location)
        }
        // Bare URLs, archives and local paths.
        if text.contains("://") || text.hasPrefix(".") || text.hasPrefix("/") || text.hasSuffix(".whl")
            || text.hasSuffix(".tar.gz") || text.hasSuffix(".zip") {
            let name = eggName(text) ?? wheelName(text) ?? text
            return package(name: name, version: "", kind: .nonRegistry, note: text, marker: marker, location: location)
        }
        // name[extras] specifiers
        var index = text.startIndex
        while index < text.endIndex, text[index].isLetter || text[index].isNumber || "-_.".contains(text[index]) { index = text.index(after: index) }
        let name = String(text[..<index])
        guard !name.isEmpty, name.first?.isLetter == true || name.first?.isNumber == true else { return nil }
        var rest = text[index...].trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            rest = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
        }
        if rest.hasPrefix("("), rest.hasSuffix(")") { rest = String(rest.dropFirst().dropLast()) }
        let specifiers = rest.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if specifiers.count == 1 {
            let spec = specifiers[0]
            for op in ["===", "=="] where spec.hasPrefix(op) {
                let version = spec.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
                if version.contains(" ") { return nil }
                if !version.isEmpty && !version.contains("*") {
                    return package(name: name, version: version, kind: .exact, note: nil, marker: marker, location: location)
                }
            }
        }
        if specifiers.contains(where: { $0.first.map { "<>=!~".contains($0) } != true }) { return nil }
        return package(name: name, version: "", kind: .unpinned, note: rest.isEmpty ? "any version" : rest, marker: marker, location: location)
    }

    private func package(name: String, version: String, kind: VersionKind, note: String?, marker: String?, location: Location) -> Package {
        var package = Package(ecosystem: .pypi, name: name, version: version, versionKind: kind, versionNote: note,
                              locations: [location], extractor: id)
        package.environmentMarker = marker
        return package
    }

    private func stripExtras(_ name: String) -> String {
        if let bracket = name.firstIndex(of: "[") { return String(name[..<bracket]).trimmingCharacters(in: .whitespaces) }
        return name
    }

    /// `…#egg=name` in VCS and URL requirements.
    private func eggName(_ text: String) -> String? {
        guard let range = text.range(of: "#egg=") ?? text.range(of: "&egg=") else { return nil }
        let tail = text[range.upperBound...]
        let name = tail.prefix { $0 != "&" && $0 != " " && $0 != "[" }
        return name.isEmpty ? nil : String(name)
    }

    /// `name-1.0-py3-none-any.whl` → name.
    private func wheelName(_ text: String) -> String? {
        let file = PathName.base(text)
        guard file.hasSuffix(".whl"), let dash = file.firstIndex(of: "-") else { return nil }
        return String(file[..<dash])
    }
}
