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

    public let pathEndings = [".txt"]

    public func fileRequired(_ path: String) -> Bool {
        guard path.hasSuffixBytes(".txt") || path.hasSuffixBytes(".TXT") else { return false }
        let base = PathName.base(path).lowercased()
        if base.hasPrefix("requirements") || base.hasSuffix("-requirements.txt") || base.hasSuffix("_requirements.txt") { return true }
        let parts = PathName.components(path)
        return parts.count >= 2 && parts[parts.count - 2].lowercased() == "requirements"
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        guard !ByteSearch.contains(input.contents, [0]) else { throw ExtractionError("not a requirements file: binary content") }
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
        for (line, text) in logicalLines(contents) {
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
    ///
    /// On bytes: Foundation's `range(of:)` and String slicing per physical line were most of a large
    /// hashed file's time. An ASCII line is cut and trimmed on its bytes (the same answers: no
    /// Character there spans two bytes); any other line goes through the String operations as before.
    private func logicalLines(_ contents: [UInt8]) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var pending: [UInt8] = [], pendingLine = 0, number = 0
        func finish(_ whole: [UInt8]) {
            let text = RequirementsExtractor.trimmedBlanks(whole)
            if !text.isEmpty { result.append((pendingLine, text)) }
        }
        let count = contents.count
        var start = 0
        while start <= count {
            var end = start
            while end < count, contents[end] != 0x0A { end += 1 }
            let terminated = end < count
            // TextLines drops the \r of \r\n and one more trailing \r, and this reader one more.
            var stop = end
            for _ in 0..<(terminated ? 3 : 2) where stop > start && contents[stop - 1] == 0x0D { stop -= 1 }
            number += 1
            if pending.isEmpty { pendingLine = number }
            let raw = contents[start..<stop]
            start = end + 1
            var line: ArraySlice<UInt8>, continues: Bool
            if raw.allSatisfy({ $0 < 0x80 }) {
                // A comment starts with `#` at the line start or after whitespace (`#egg=` in URLs is not one).
                if raw.first == UInt8(ascii: "#") {
                    line = raw[raw.startIndex..<raw.startIndex]
                } else if let cut = RequirementsExtractor.firstIndex(of: 0x20, 0x23, in: raw) ?? RequirementsExtractor.firstIndex(of: 0x09, 0x23, in: raw) {
                    line = raw[..<cut]
                } else {
                    line = raw
                }
                continues = line.last == UInt8(ascii: "\\")
                if continues { line = line.dropLast() }
            } else {
                var text = String(decoding: raw, as: UTF8.self)
                if text.hasPrefix("#") {
                    text = ""
                } else if let range = text.range(of: " #") ?? text.range(of: "\t#") {
                    text = String(text[..<range.lowerBound])
                }
                continues = text.hasSuffix("\\")
                if continues { text = String(text.dropLast()) }
                line = ArraySlice(text.utf8)
            }
            if continues {
                pending += line
                pending.append(0x20)
                continue
            }
            pending += line
            finish(pending)
            pending = []
        }
        finish(pending)
        return result
    }

    /// Where `first` is directly followed by `second` in `bytes`.
    private static func firstIndex(of first: UInt8, _ second: UInt8, in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == first && bytes[i + 1] == second { return i }
            i += 1
        }
        return nil
    }

    /// `trimmingCharacters(in: .whitespaces)`: on the bytes when they are ASCII (spaces and tabs are
    /// its only ASCII members), else by Foundation.
    private static func trimmedBlanks(_ bytes: [UInt8]) -> String {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        var lower = 0, upper = bytes.count
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// Where the per-requirement options start (`\s-{1,2}[A-Za-z]`, `--hash=…` after the requirement): on
    /// the bytes when the text is printable ASCII and tabs, where `\s` is a space or a tab, else by the regex.
    private static func optionStart(_ text: String) -> String.Index? {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) else {
            return text.range(of: #"\s-{1,2}[A-Za-z]"#, options: .regularExpression)?.lowerBound
        }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        let bytes = Array(utf8)
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0x20 || bytes[i] == 0x09, bytes[i + 1] == 0x2D,
               isLetter(bytes[i + 2]) || (bytes[i + 2] == 0x2D && i + 3 < bytes.count && isLetter(bytes[i + 3])) {
                return utf8.index(utf8.startIndex, offsetBy: i)
            }
            i += 1
        }
        return nil
    }

    /// One PEP 508 requirement (or a URL/path requirement) into a package.
    func parseRequirement(_ line: String, at location: Location) -> Package? {
        var text = line
        // Per-requirement options (`--hash=sha256:…`, `-C key=value`) follow the requirement.
        if let option = RequirementsExtractor.optionStart(text) { text = String(text[..<option]) }
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
