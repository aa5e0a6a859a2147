import ArgumentParser
import Foundation
import FnauditAdvisoryDB
import FnauditScanning

@main
struct Fnaudit: ParsableCommand {
    /// Input errors exit 2 with a one-line message; ArgumentParser already does so for usage errors.
    static func main() {
        CrashReporter.install()
        // libarchive converts every zip entry's DOS time with mktime(); with TZ unset, glibc stats
        // /etc/localtime on each call under a global lock (137,000 stats for one 68 MB zip, and
        // the workers of a zip queue on that lock). The same zone, named once, is read once.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            Console.error(error.description)
            Foundation.exit(2)
        } catch let error as RefreshError {
            Console.error("advisory database: \(error)")
            Foundation.exit(2)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            // Help and --version exit 0; every usage error exits 2 (ArgumentParser's default is 64).
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            } else {
                // Not a usage error: any other failure (SQLite, the file system) is one line too.
                Console.error("\(error)")
            }
            Foundation.exit(2)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "fnaudit",
        abstract: "Find known-vulnerable npm, PyPI and Maven packages in serverless function bundles.",
        discussion: """
        fnaudit reads function artifacts (zip, Lambda layers, jar/war/ear, wheels, tarballs) and \
        source trees, lists every bundled package, and matches them against a local OSV advisory \
        database. It never uses the network.
        """,
        version: FnauditInfo.version,
        subcommands: [ScanCommand.self, InventoryCommand.self, ExplainCommand.self, DatabaseCommand.self, CompareCommand.self]
    )
}
