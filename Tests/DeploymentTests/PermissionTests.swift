import XCTest
@testable import FnauditExtractors
import FnauditAudit
import FnauditModel
import FnauditPolicy
import TestSupport

/// The fixtures of Tests/Fixtures/iam: each function's risks (rule, severity, line) against its
/// `expected-risks.tsv`, functions that must have none included.
final class PermissionFixtureTests: XCTestCase {
    func risks(_ project: String) -> (report: AuditReport, lines: [String]) {
        var request = AuditRequest(inputs: [Fixtures.path("iam/" + project)])
        request.scanners = [.permissions]
        let report = Audit.inventory(request)
        var lines: [String] = []
        for function in report.functions.sorted(by: { $0.definition.name < $1.definition.name }) {
            let risks = (function.definition.permissions?.risks ?? []).sorted { ($0.rule, $0.location.line ?? 0) < ($1.rule, $1.location.line ?? 0) }
            if risks.isEmpty { lines.append("\(function.definition.name)\t-") }
            lines += risks.map { "\(function.definition.name)\t\($0.rule)\t\($0.severity.rawValue)\t\($0.location.line.map(String.init) ?? "nil")" }
        }
        return (report, lines)
    }

    func expected(_ project: String) throws -> [String] {
        let text = try String(contentsOfFile: Fixtures.path("iam/\(project)/expected-risks.tsv"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    }

    func testEachFixtureHasItsExpectedRisks() throws {
        for project in ["sam", "cdk", "serverless", "serverless-legacy"] {
            let (report, lines) = risks(project)
            XCTAssertEqual(report.errors, [], project)
            XCTAssertFalse(report.functions.isEmpty, project)
            XCTAssertEqual(lines, try expected(project), project)
            XCTAssertTrue(report.functions.allSatisfy { $0.definition.permissions != nil }, "\(project): every function is judged")
        }
    }

    func testRolesAndSources() throws {
        let sam = risks("sam").report
        func permissions(_ name: String, _ report: AuditReport) -> FunctionPermissions? {
            report.functions.first { $0.definition.name == name }?.definition.permissions
        }
        XCTAssertEqual(permissions("OrdersFunction", sam)?.role, "OrdersRole", "a role of the template, by GetAtt")
        XCTAssertEqual(permissions("ExternalRoleFunction", sam)?.role, "arn:aws:iam::123456789012:role/shared-lambda", "named, never guessed")
        XCTAssertNil(permissions("AdminFunction", sam)?.role, "SAM creates the role")
        XCTAssertTrue(permissions("OrdersFunction", sam)?.source.path.hasSuffix("iam/sam/template.yaml") ?? false)
        let cdk = risks("cdk").report
        XCTAssertEqual(permissions("ExporterHandler3D4E5F60", cdk)?.role, "ExporterHandlerServiceRoleC0FFEE11")
        let orders = try XCTUnwrap(permissions("OrdersFunction", sam))
        XCTAssertTrue(orders.risks.first?.detail.contains("may call any AWS API") ?? false, orders.risks.map(\.detail).joined(separator: "; "))
    }

    func testPermissionsOffWithoutTheScanner() {
        var request = AuditRequest(inputs: [Fixtures.path("iam/sam")])
        request.scanners = [.vuln]
        XCTAssertTrue(Audit.inventory(request).functions.allSatisfy { $0.definition.permissions == nil })
    }
}

/// The rules and the reading of intrinsics, on templates written here.
final class PermissionRuleTests: XCTestCase {
    func functions(_ yaml: String, file: String = "template.yaml") throws -> [String: FunctionPermissions] {
        let template = try CloudFormationTemplate(bytes: Array(yaml.utf8), location: Location(path: file))
        var out: [String: FunctionPermissions] = [:]
        for (id, resource) in template.resources(ofType: LambdaResources.functionTypes) {
            out[id] = PermissionsReader.cloudFormation(template: template, functionId: id, resource: resource)
        }
        return out
    }

    /// A template with one SAM function `Fn`, its `Policies:` list to follow (items at six spaces).
    let functionWithPolicies = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n"

    func rules(_ statement: String, resourceLine: String = "Resource: '*'", condition: String = "") throws -> [String] {
        let yaml = functionWithPolicies + """
                - Statement:
                    - Effect: Allow
                      \(statement)
                      \(resourceLine)
                      \(condition)
        """
        return try functions(yaml)["Fn"]?.risks.map { "\($0.rule) \($0.severity.rawValue)" } ?? []
    }

    func testRules() throws {
        XCTAssertEqual(try rules("Action: '*'"), ["wildcard-action CRITICAL"], "everything on everything folds the rest")
        XCTAssertEqual(try rules("Action: '*'", resourceLine: "Resource: arn:aws:s3:::one-bucket/*"), ["wildcard-action HIGH"])
        XCTAssertEqual(try rules("NotAction: iam:*"), ["wildcard-action CRITICAL"], "NotAction with Allow grants the rest")
        XCTAssertEqual(Set(try rules("Action: iam:*")), ["privilege-escalation CRITICAL", "iam-passrole-wildcard HIGH", "wildcard-action HIGH"])
        XCTAssertEqual(try rules("Action: [kms:Decrypt]"), ["secrets-read-wildcard HIGH"])
        XCTAssertEqual(try rules("Action: [ssm:GetParameter*]", resourceLine: "Resource: arn:aws:ssm:eu-west-1:123456789012:parameter/*"),
                       ["secrets-read-wildcard HIGH"], "every parameter is any resource")
        XCTAssertEqual(try rules("Action: [ssm:GetParameter]", resourceLine: "Resource: arn:aws:ssm:eu-west-1:123456789012:parameter/app/*"), [])
        XCTAssertEqual(try rules("Action: [dynamodb:DeleteItem]"), ["wildcard-resource HIGH"])
        XCTAssertEqual(try rules("Action: [s3:Get*]"), ["wildcard-resource MEDIUM"], "a data read on any bucket")
        XCTAssertEqual(try rules("Action: [s3:List*, dynamodb:Describe*]"), [], "metadata only")
        XCTAssertEqual(try rules("Action: [logs:CreateLogStream, logs:PutLogEvents, xray:PutTraceSegments]"), [], "only grantable on *")
        XCTAssertEqual(try rules("Action: [lambda:UpdateFunctionCode]", resourceLine: "Resource: arn:aws:lambda:eu-west-1:1:function:*"),
                       ["privilege-escalation CRITICAL"])
        XCTAssertEqual(try rules("Action: [lambda:UpdateFunctionCode]", resourceLine: "Resource: !GetAtt Other.Arn"), [], "one function")
        XCTAssertEqual(try rules("Action: [iam:PassRole]", condition: "Condition: {StringEquals: {iam:PassedToService: lambda.amazonaws.com}}"),
                       ["iam-passrole-wildcard MEDIUM"], "a Condition lowers the severity")
        XCTAssertEqual(try rules("Action: [s3:PutObject]", resourceLine: "Resource: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'"), [],
                       "an unresolved reference is a specific resource, never *")
        XCTAssertEqual(try rules("Action: [s3:PutObject]", resourceLine: "Resource: !Sub 'arn:${AWS::Partition}:s3:::*'"), ["wildcard-resource HIGH"])
        XCTAssertEqual(try rules("Action: [s3:PutObject]", resourceLine: "Resource: !Join ['', ['arn:aws:s3:::', !Ref Bucket, '/*']]"), [])
        XCTAssertEqual(try rules("Action: [s3:PutObject]", resourceLine: "Resource: !If [IsProd, !Ref Bucket, '*']"), ["wildcard-resource HIGH"],
                       "either branch may deploy")
    }

    func testIntrinsicsResolveThroughParametersAndStaySymbolicOtherwise() throws {
        let yaml = """
        Parameters:
          Everything: {Type: String, Default: '*'}
          Unknown: {Type: String}
        Resources:
          Broad:
            Type: AWS::Serverless::Function
            Properties:
              Policies:
                - Statement: [{Effect: Allow, Action: [s3:DeleteObject], Resource: !Ref Everything}]
          Narrow:
            Type: AWS::Serverless::Function
            Properties:
              Policies:
                - Statement: [{Effect: Allow, Action: [s3:DeleteObject], Resource: !Ref Unknown}]
                - S3CrudPolicy: {BucketName: !Ref Unknown}
                - SQSPollerPolicy: {QueueName: !ImportValue shared-queue}
        """
        let found = try functions(yaml)
        XCTAssertEqual(found["Broad"]?.risks.map(\.rule), ["wildcard-resource"], "the parameter's default is what deploys")
        XCTAssertEqual(found["Narrow"]?.risks, [], "no default, an import: symbols, never *")
    }

    func testManagedPoliciesByNameAndARN() throws {
        let yaml = functionWithPolicies + """
                - !Sub arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess
                - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
                - arn:aws:iam::123456789012:policy/AdministratorAccess
                - AmazonS3FullAccess
                - SomePolicyFnauditDoesNotKnow
        """
        let risks = try functions(yaml)["Fn"]?.risks ?? []
        XCTAssertEqual(risks.map { "\($0.rule) \($0.severity.rawValue) \($0.location.line ?? 0)" },
                       ["admin-managed-policy CRITICAL 6", "wildcard-action HIGH 9"],
                       "a customer policy named AdministratorAccess is not AWS's; an unknown one is not judged")
    }

    func testGlobalsAndPublicAccess() throws {
        let yaml = """
        Globals:
          Function:
            FunctionUrlConfig:
              AuthType: NONE
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
          Plain:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt PlainRole.Arn
          PlainRole:
            Type: AWS::IAM::Role
            Properties:
              Policies:
                - PolicyName: one
                  PolicyDocument:
                    Statement: {Effect: Allow, Action: 'sqs:*', Resource: '*'}
          FromBucket:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !Ref Plain
              Principal: '*'
              SourceArn: arn:aws:s3:::uploads
        """
        let found = try functions(yaml)
        XCTAssertEqual(found["Fn"]?.risks.map(\.rule), ["public-url"], "FunctionUrlConfig from Globals")
        XCTAssertEqual(found["Plain"]?.risks.map(\.rule), ["wildcard-action"], "a statement given as one mapping; a SourceArn scopes the permission")
    }

    func testEverySAMPolicyTemplateAndManagedPolicyRowLoads() {
        XCTAssertEqual(SAMPolicyTemplates.templates.count, 81)
        XCTAssertTrue(SAMPolicyTemplates.templates.values.joined().allSatisfy { !$0.actions.isEmpty && !$0.resources.isEmpty })
        XCTAssertGreaterThan(ManagedPolicies.known.count, 30)
        XCTAssertEqual(ManagedPolicies.entry("administratoraccess")?.kind, .admin)
    }

    func testMalformedPoliciesNeverCrash() throws {
        let yaml = """
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Role: {Fn::GetAtt: []}
              Policies: [42, {Statement: 7}, {Statement: [{Action: {Ref: [1]}}, 5, {}]}, {DynamoDBCrudPolicy: 3}, [[["x"]]]]
          Other:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt Missing.Arn
              FunctionUrlConfig: 5
          Url:
            Type: AWS::Lambda::Url
            Properties: [1, 2]
        """
        let found = try functions(yaml)
        XCTAssertEqual(found.count, 2)
        XCTAssertEqual(found["Other"]?.role, "${Missing.Arn}")
    }

    func testServerlessDescriptorThatIsNotAMappingIsOneIssue() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "service: x\nprovider:\n  iam:\n    role:\n      statements: 5\nfunctions:\n  a:\n    handler: h\n    url: [1]\n    iamRoleStatements: {x: 1}\n"
            .write(to: directory.appendingPathComponent("serverless.yml"), atomically: true, encoding: .utf8)
        try "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Policies: [\n"
            .write(to: directory.appendingPathComponent("template.yaml"), atomically: true, encoding: .utf8)
        var request = AuditRequest(inputs: [directory.path])
        request.scanners = [.permissions]
        let report = Audit.inventory(request)
        XCTAssertEqual(report.functions.map(\.definition.name), ["a"])
        XCTAssertEqual(report.functions.first?.definition.permissions?.risks, [])
        XCTAssertEqual(report.errors.count, 1)
        XCTAssertTrue(report.errors.first.map { $0.location.path.hasSuffix("template.yaml") && !$0.message.contains("\n") } ?? false)
    }
}
