import Foundation
import XCTest
@_exported import TestSupport

/// Runs the `fnaudit` executable that `swift test` built next to the test bundle.
struct CLI {
    static var executable: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("fnaudit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return products.appendingPathComponent("fnaudit")
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    currentDirectory: URL? = nil, timeout: Double? = nil) throws -> ToolResult {
        try Tool.run([executable.path] + arguments, stdin: stdin, environment: environment, currentDirectory: currentDirectory,
                     timeout: timeout)
    }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
