import XCTest
import FnauditAudit
import FnauditDeployment
import FnauditModel
import FnauditPolicy
import TestSupport

/// The fixture projects of Scripts/fixtures/make-deployment-projects.py, one per framework, each
/// with the same conflicts: the function's requests 2.31.0 hides a layer's 2.19.0; the later layer's
/// urllib3 1.26.18 overwrites the earlier one's 1.24.1; Jinja2 is only in a layer; Pygments sits
/// under python3.11 (never loads in python3.12); a Node layer has semver in nodejs/node_modules (npm's
/// 7.6.2) and nodejs/node18/node_modules (Debian's 7.3.5); the function's own minimist hides the layer's.
final class DeploymentViewTests: XCTestCase {
    static let fixtures = Fixtures.root.appendingPathComponent("deployment").path

    func view(_ project: String, _ request: (inout AuditRequest) -> Void = { _ in }) -> AuditReport {
        var audit = AuditRequest(inputs: [Self.fixtures + "/" + project])
        audit.scanners = [.vuln]
        request(&audit)
        return Audit.inventory(audit)
    }

    /// name@version of the effective packages and of the shadowed copies (with what shadows them).
    func summary(_ function: FunctionView, _ report: AuditReport) -> (effective: [String], shadowed: [String]) {
        let names = Dictionary(report.packages.map { ($0.identity, "\($0.name)@\($0.version)") }, uniquingKeysWith: { a, _ in a })
        let effective = function.effective.compactMap { names[$0] }.sorted()
        let shadowed = function.shadowed.map { copy in
            (names[copy.package] ?? copy.purl) + (copy.byPurl.map { " by " + $0 } ?? " unreachable")
        }.sorted()
        return (effective, shadowed)
    }

    func function(_ name: String, in report: AuditReport, file: StaticString = #filePath, line: UInt = #line) throws -> FunctionView {
        try XCTUnwrap(report.functions.first { $0.definition.name == name }, "no function \(name) in \(report.functions.map(\.definition.name))",
                      file: file, line: line)
    }

    let pythonEffective = ["Jinja2@2.10", "requests@2.31.0", "urllib3@1.26.18"]
    let pythonShadowed = ["Pygments@2.5.1 unreachable", "requests@2.19.0 by pkg:pypi/requests@2.31.0", "urllib3@1.24.1 by pkg:pypi/urllib3@1.26.18"]
    let node18Effective = ["debug@4.3.5", "minimist@1.2.7", "ms@2.1.3", "semver@7.3.5"]
    let node18Shadowed = ["minimist@1.2.7 by pkg:npm/minimist@1.2.7", "semver@7.6.2 by pkg:npm/semver@7.3.5"]
    let javaEffective = ["org.apache.commons:commons-lang3@3.12.0", "org.apache.commons:commons-text@1.10.0"]

    func testSAMProjectPrefersTheBuildOutput() throws {
        let report = view("sam")
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.functions.map(\.definition.name), ["OrdersFunction", "ReportsFunction", "ThumbnailFunction", "WebFunction"],
                       "the build output's template describes the same functions: read once")
        let orders = try function("OrdersFunction", in: report)
        XCTAssertEqual(orders.definition.framework, .sam)
        XCTAssertEqual(orders.definition.runtime, "python3.12", "from Globals")
        XCTAssertTrue(orders.definition.artifact.path.hasSuffix("sam/.aws-sam/build/OrdersFunction"))
        XCTAssertEqual(orders.definition.layers.map(\.name).prefix(2), ["CommonLayer", "PatchLayer"])
        XCTAssertEqual(orders.definition.layers.last?.artifact.kind, .remote, "an ARN layer is named, not scanned")
        XCTAssertEqual(summary(orders, report).effective, pythonEffective)
        XCTAssertEqual(summary(orders, report).shadowed, pythonShadowed)

        let web = try function("WebFunction", in: report)
        XCTAssertEqual(summary(web, report).effective, node18Effective)
        XCTAssertEqual(summary(web, report).shadowed, node18Shadowed)
        XCTAssertEqual(summary(try function("ReportsFunction", in: report), report).effective, javaEffective)
        let image = try function("ThumbnailFunction", in: report)
        XCTAssertEqual(image.definition.artifact.kind, .image)
        XCTAssertFalse(image.isScanned)
    }

    func testCDKAssembly() throws {
        let report = view("cdk")
        XCTAssertEqual(report.errors, [])
        let orders = try function("OrdersHandler4B3B1B53", in: report)
        XCTAssertEqual(orders.definition.framework, .cdk)
        XCTAssertEqual(orders.definition.path, "Shop/OrdersHandler/Resource")
        XCTAssertEqual(summary(orders, report).effective, pythonEffective)
        XCTAssertEqual(summary(orders, report).shadowed, pythonShadowed)
        // nodejs20.x: the node18 folder is not on its NODE_PATH; nodejs/node_modules is.
        let web = try function("WebHandlerA1B2C3D4", in: report)
        XCTAssertEqual(summary(web, report).effective, ["debug@4.3.5", "minimist@1.2.7", "ms@2.1.3", "semver@7.6.2"])
        XCTAssertEqual(summary(web, report).shadowed, ["minimist@1.2.7 by pkg:npm/minimist@1.2.7", "semver@7.3.5 unreachable"])
        // A nested stack's function, with the same code as OrdersHandler and no layers.
        let nested = try function("AuditHandler5C6D7E8F", in: report)
        XCTAssertEqual(nested.definition.path, "Shop/Audit/AuditHandler/Resource")
        XCTAssertEqual(summary(nested, report).effective, ["requests@2.31.0"])
        let reports = try function("ReportsHandlerE5F6A7B8", in: report)
        XCTAssertEqual(reports.definition.artifact.kind, .archive)
        XCTAssertEqual(summary(reports, report).effective, javaEffective)
    }

    func testServerlessPackageOutput() throws {
        let report = view("serverless")
        XCTAssertEqual(report.errors, [])
        let orders = try function("orders", in: report)
        XCTAssertEqual(orders.definition.framework, .serverless)
        XCTAssertTrue(orders.definition.artifact.path.hasSuffix(".serverless/orders.zip"), "package.individually")
        XCTAssertEqual(orders.definition.layers.map(\.name), ["common", "patch"])
        XCTAssertEqual(summary(orders, report).effective, pythonEffective)
        XCTAssertEqual(summary(orders, report).shadowed, pythonShadowed)
        let web = try function("web", in: report)
        XCTAssertEqual(summary(web, report).effective, node18Effective)
        XCTAssertEqual(summary(web, report).shadowed, node18Shadowed)
        XCTAssertEqual(summary(try function("reports", in: report), report).effective, javaEffective)
        let external = try function("external", in: report)
        XCTAssertEqual(external.definition.runtime, "python3.12", "${self:custom.runtime} resolved within the file")
        XCTAssertEqual(external.definition.layers.first?.artifact.kind, .remote)
    }

    /// `fnaudit scan fn.zip --layer a.zip --layer b.zip --runtime python3.12`: the same function by hand.
    func testCommandLineFunctionWithLayers() throws {
        let folder = Self.fixtures + "/serverless/.serverless/"
        var request = AuditRequest(inputs: [folder + "orders.zip"])
        request.scanners = [.vuln]
        request.function = FunctionRequest(layers: [folder + "common.zip", folder + "patch.zip"], runtime: "python3.12")
        let report = Audit.inventory(request)
        let orders = try function("orders.zip", in: report)
        XCTAssertEqual(orders.definition.framework, .cli)
        XCTAssertEqual(summary(orders, report).effective, pythonEffective)
        XCTAssertEqual(summary(orders, report).shadowed, pythonShadowed)
        // Layers in the other order: the earlier urllib3 is now the later one, and wins.
        request.function = FunctionRequest(layers: [folder + "patch.zip", folder + "common.zip"], runtime: "python3.12")
        let swapped = Audit.inventory(request)
        XCTAssertEqual(summary(try function("orders.zip", in: swapped), swapped).effective, ["Jinja2@2.10", "requests@2.31.0", "urllib3@1.24.1"])
    }

    /// A copy that never loads anywhere does not gate; a copy outside every function still does.
    func testShadowedEverywhereAndOutsideFunctions() throws {
        let report = view("sam")
        let names = Set(report.packages.filter { report.shadowedPackages.contains($0.identity) }.map { "\($0.name)@\($0.version)" })
        XCTAssertEqual(names, ["Pygments@2.5.1", "requests@2.19.0", "urllib3@1.24.1", "semver@7.6.2"])
        // minimist 1.2.7 is shadowed in the layer but loads from the function: not shadowed everywhere.
        XCTAssertFalse(names.contains("minimist@1.2.7"))
    }
}
