import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes or CI
/// logs) and at most ten times a second.
public final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    public init(enabled: Bool = Terminal.standardErrorIsInteractive) {
        self.enabled = enabled
    }

    public func update(_ phase: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(phase) \(bar) \(done)/\(total)".utf8))
        drawn = true
    }

    /// Clears the line so what follows starts clean.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if enabled && drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }
}
