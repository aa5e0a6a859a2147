import ArgumentParser
import Foundation
import FnauditModel
import FnauditVersioning

/// `fnaudit compare`: the ecosystem's own ordering of two versions, for people checking a
/// finding and for scripts comparing fnaudit with a reference implementation.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare versions with an ecosystem's rules (node-semver, PEP 440, Maven).",
        discussion: """
        With two versions, prints their order, e.g. `1.0.0-rc.1 < 1.0.0`.
        With none, reads lines `A<TAB>B` (or `A B`) from standard input and prints one line per \
        pair: -1, 0, 1, or `invalid` when the ecosystem rejects either version.

        Examples:
          fnaudit compare npm 1.0.0-rc.1 1.0.0
          fnaudit compare pypi 1.0rc1 1.0.post1
          printf '1.0-RC1\\t1.0\\n' | fnaudit compare maven
        """
    )

    @Argument(help: "npm, pypi or maven (any case).", transform: { text in
        guard let ecosystem = Ecosystem(caseInsensitive: text) else {
            throw ValidationError("unknown ecosystem '\(text)': use npm, pypi or maven")
        }
        return ecosystem
    })
    var ecosystem: Ecosystem

    @Argument(help: "First version.")
    var a: String?

    @Argument(help: "Second version.")
    var b: String?

    func validate() throws {
        if (a == nil) != (b == nil) {
            throw ValidationError("give two versions, or none to read pairs from standard input")
        }
    }

    func run() throws {
        if let a, let b {
            let left = ecosystem.parseVersion(a), right = ecosystem.parseVersion(b)
            for case let .invalid(text, reason) in [left, right] {
                FileHandle.standardError.write(Data("fnaudit: invalid \(ecosystem.rawValue) version '\(text)': \(reason)\n".utf8))
            }
            guard let x = left.version, let y = right.version, let order = EcosystemVersion.compare(x, y) else {
                print("invalid")
                throw ExitCode(2)
            }
            print("\(a) \(order < 0 ? "<" : (order == 0 ? "=" : ">")) \(b)")
            return
        }
        comparePairsFromStandardInput()
    }

    private func comparePairsFromStandardInput() {
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4)
        var cache: [ArraySlice<UInt8>: ParsedVersion] = [:]
        func parsed(_ bytes: ArraySlice<UInt8>) -> ParsedVersion {
            if let hit = cache[bytes] { return hit }
            let result = ecosystem.parseVersion(String(decoding: bytes, as: UTF8.self))
            cache[bytes] = result
            return result
        }
        // Split on bytes: a Swift Character would fuse "\r\n" and hide the line break.
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for var line in lines {
            if line.last == 0x0D { line = line.dropLast() }
            guard let (left, right) = CompareCommand.splitPair(line),
                  let x = parsed(left).version, let y = parsed(right).version,
                  let order = EcosystemVersion.compare(x, y) else {
                output.append(contentsOf: "invalid\n".utf8)
                continue
            }
            output.append(contentsOf: (order < 0 ? "-1\n" : (order == 0 ? "0\n" : "1\n")).utf8)
        }
        FileHandle.standardOutput.write(Data(output))
    }

    /// `A<TAB>B` splits at the first tab, keeping everything else; `A B` splits at runs of spaces.
    static func splitPair(_ line: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        if let tab = line.firstIndex(of: 0x09) {
            return (line[..<tab], line[(tab + 1)...])
        }
        let fields = line.split(separator: 0x20, omittingEmptySubsequences: true)
        guard fields.count == 2 else { return nil }
        return (fields[0], fields[1])
    }
}
