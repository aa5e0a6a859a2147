import Dispatch
import Foundation

/// `body(0..<count)` on all cores, results in index order. Work is handed out in chunks so that
/// thousands of tiny items (records, entries) do not each pay for a dispatch.
public func parallelMap<T>(_ count: Int, chunk: Int = 64, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable((slots, body))
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
            let (slots, body) = box.value
            for i in (c * chunk)..<Swift.min(count, (c + 1) * chunk) {
                slots[i] = body(i)   // each index is written by exactly one worker
            }
        }
    }
    return slots.compactMap { $0 }
}

/// Carries a value into `concurrentPerform` when the caller guarantees the access pattern.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A progress counter shared by workers.
public final class SharedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    public init() {}
    public func increment(by n: Int = 1) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += n
        return value
    }
}
