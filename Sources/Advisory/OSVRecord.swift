import Foundation
import FnauditModel

/// The parts of an OSV record (https://ossf.github.io/osv-schema/) that fnaudit keeps.
public struct OSVRecord: Sendable {
    public struct Range: Sendable, Equatable {
        public enum EventKind: String, Sendable, CaseIterable {
            case introduced, fixed, lastAffected = "last_affected", limit
        }
        public struct Event: Sendable, Equatable {
            public var kind: EventKind
            public var version: String
            public init(kind: EventKind, version: String) {
                self.kind = kind
                self.version = version
            }
        }
        /// SEMVER or ECOSYSTEM; other types (GIT) never reach the database.
        public var type: String
        public var events: [Event]

        public init(type: String, events: [Event]) {
            self.type = type
            self.events = events
        }
    }

    public struct Affected: Sendable {
        public var ecosystem: Ecosystem
        public var name: String
        public var versions: [String]
        public var ranges: [Range]
        /// GIT ranges and unknown types, skipped without hiding the entry's other ranges.
        public var ignoredRanges: Int
        public var ecosystemSpecific: String?
        public var databaseSpecific: String?
    }

    public var id: String
    public var modified: String
    public var published: String?
    public var withdrawn: String?
    public var aliases: [String]
    public var summary: String?
    public var details: String?
    /// The record's own severity: from its CVSS v3 score, else its CVSS v4 score, else its
    /// `database_specific.severity` label, else UNKNOWN. (A finding looks across its aliases too.)
    public var severity: Severity
    /// CVSS v3.x base score and vector.
    public var cvssScore: Double?
    public var cvssVector: String?
    /// CVSS v4.0 score (of the vector as written, threat metrics included) and vector.
    public var cvss4Score: Double?
    public var cvss4Vector: String?
    /// GHSA's `database_specific.severity` word (LOW, MODERATE, HIGH, CRITICAL), as a band.
    public var severityLabel: Severity?
    public var references: [(type: String, url: String)]
    public var affected: [Affected]
    /// The record re-serialised with sorted keys: stable whatever the export's formatting.
    public var canonicalJSON: [UInt8]
    /// What was read leniently (an empty `fixed`, read as "no fix known").
    public var repairs: [String] = []
}

public struct OSVRecordError: Error, CustomStringConvertible, Sendable {
    public var recordID: String?
    public var message: String
    public var description: String {
        recordID.map { "record \($0): \(message)" } ?? message
    }
}

extension OSVRecord {
    /// Parses one OSV JSON document; throws `OSVRecordError` for anything the matcher could not trust.
    public static func parse(_ bytes: [UInt8]) throws -> OSVRecord {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw OSVRecordError(recordID: nil, message: "not valid JSON (\(shortReason(error)))")
        }
        guard let json = object as? [String: Any] else {
            throw OSVRecordError(recordID: nil, message: "not an OSV record (the document is not a JSON object)")
        }
        guard let id = json["id"] as? String, !id.isEmpty else {
            throw OSVRecordError(recordID: nil, message: "not an OSV record (no \"id\")")
        }
        func fail(_ message: String) -> OSVRecordError { OSVRecordError(recordID: id, message: message) }
        func optionalString(_ key: String) throws -> String? {
            guard let value = json[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw fail("\"\(key)\" is not a string") }
            return text
        }
        func stringList(_ value: Any?, _ what: String) throws -> [String] {
            guard let value, !(value is NSNull) else { return [] }
            guard let list = value as? [Any] else { throw fail("\(what) is not a list") }
            return try list.map { item in
                guard let text = item as? String else { throw fail("\(what) holds a non-string") }
                return text
            }
        }

        var record = OSVRecord(
            id: id, modified: try optionalString("modified") ?? "", published: try optionalString("published"),
            withdrawn: try optionalString("withdrawn"), aliases: try stringList(json["aliases"], "\"aliases\""),
            summary: try optionalString("summary"), details: try optionalString("details"), severity: .unknown,
            cvssScore: nil, cvssVector: nil, cvss4Score: nil, cvss4Vector: nil, severityLabel: nil, references: [], affected: [],
            canonicalJSON: [])

        // Severity: CVSS vectors give a score; GHSA's label, when present, names the band.
        if let list = json["severity"] as? [Any] {
            for case let entry as [String: Any] in list {
                guard let type = entry["type"] as? String, let score = entry["score"] as? String else { continue }
                if type == "CVSS_V3", let value = CVSS3.baseScore(vector: score) {
                    if record.cvssScore.map({ value > $0 }) ?? true {
                        record.cvssScore = value
                        record.cvssVector = score
                    }
                } else if type == "CVSS_V4", let value = CVSS4.score(vector: score) {
                    if record.cvss4Score.map({ value > $0 }) ?? true {
                        record.cvss4Score = value
                        record.cvss4Vector = score
                    }
                }
            }
        }
        record.severityLabel = ((json["database_specific"] as? [String: Any])?["severity"] as? String).flatMap(Severity.init(advisoryLabel:))
        record.severity = (record.cvssScore ?? record.cvss4Score).map(Severity.init(cvssScore:)) ?? record.severityLabel ?? .unknown

        if let list = json["references"] as? [Any] {
            for case let entry as [String: Any] in list {
                if let url = entry["url"] as? String {
                    record.references.append((type: entry["type"] as? String ?? "WEB", url: url))
                }
            }
        }

        guard let affectedList = (json["affected"] ?? [Any]()) as? [Any] else { throw fail("\"affected\" is not a list") }
        for (index, item) in affectedList.enumerated() {
            guard let entry = item as? [String: Any] else { throw fail("affected[\(index)] is not an object") }
            guard let package = entry["package"] as? [String: Any] else {
                // Entries without a package (e.g. pure GIT ranges) carry nothing to match.
                continue
            }
            guard let ecosystemName = package["ecosystem"] as? String, let ecosystem = Ecosystem(rawValue: ecosystemName)
                    ?? Ecosystem(caseInsensitive: ecosystemName) else {
                continue   // an ecosystem fnaudit does not scan
            }
            guard let name = package["name"] as? String, !name.isEmpty else {
                throw fail("affected[\(index)] has no package name")
            }
            var affected = Affected(ecosystem: ecosystem, name: name, versions: [], ranges: [], ignoredRanges: 0,
                                    ecosystemSpecific: compactJSON(entry["ecosystem_specific"]),
                                    databaseSpecific: compactJSON(entry["database_specific"]))
            affected.versions = try stringList(entry["versions"], "affected[\(index)].versions")
            for version in affected.versions where !isStorable(version) {
                throw fail("affected[\(index)].versions holds a version with a tab or line break: \(version.debugDescription)")
            }
            guard let ranges = (entry["ranges"] ?? [Any]()) as? [Any] else {
                throw fail("affected[\(index)].ranges is not a list")
            }
            for (r, rangeItem) in ranges.enumerated() {
                let at = "affected[\(index)].ranges[\(r)]"
                guard let range = rangeItem as? [String: Any], let type = range["type"] as? String else {
                    throw fail("\(at) has no type")
                }
                guard type == "SEMVER" || type == "ECOSYSTEM" else {
                    affected.ignoredRanges += 1
                    continue
                }
                guard let events = range["events"] as? [Any], !events.isEmpty else {
                    throw fail("\(at) has no events")
                }
                var parsed: [Range.Event] = []
                for case let event in events {
                    guard let object = event as? [String: Any], object.count == 1, let (key, value) = object.first,
                          let kind = Range.EventKind(rawValue: key), let version = value as? String,
                          isStorable(version) else {
                        throw fail("\(at) has an unreadable event: \(compactJSON(event) ?? "?")")
                    }
                    if version.isEmpty {
                        // Real GHSA exports write `"fixed": ""` for "no fix yet". Dropping the event
                        // keeps the range open, which can only over-report, never miss.
                        guard kind != .introduced else { throw fail("\(at) has an empty \"introduced\" event") }
                        record.repairs.append("\(at): empty \"\(key)\" event read as \"no fix known\"")
                        continue
                    }
                    parsed.append(Range.Event(kind: kind, version: version))
                }
                affected.ranges.append(Range(type: type, events: parsed))
            }
            record.affected.append(affected)
        }

        guard let canonical = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw fail("could not be re-serialised")
        }
        record.canonicalJSON = [UInt8](canonical)
        return record
    }

    private static func isStorable(_ version: String) -> Bool {
        !version.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
    }

    static func compactJSON(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func shortReason(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return String(text.prefix(120))
    }
}
