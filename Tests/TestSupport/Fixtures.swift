import Foundation

/// Where test data lives, found from this source file so `swift test` works from any directory.
public enum Fixtures {
    /// The repository root.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tests/Fixtures.
    public static let root = repository.appendingPathComponent("Tests/Fixtures")

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public static func path(_ relative: String) -> String { url(relative).path }

    /// ../shared/<relative>, beside the repository (advisory exports, corpus, schemas).
    public static func shared(_ relative: String) -> String {
        repository.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative).path
    }
}

public func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fnaudit-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
