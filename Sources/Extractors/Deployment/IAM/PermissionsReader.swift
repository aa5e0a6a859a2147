import FnauditModel

/// What each function's role may do, read from the descriptor that defines it (Docs/IAM.md).
enum PermissionsReader {
    /// A function resource of a CloudFormation template (SAM, CDK, compiled Serverless).
    static func cloudFormation(template: CloudFormationTemplate, functionId: String, resource: [String: Any]) -> FunctionPermissions? {
        nil
    }

    /// A function of a `serverless.yml`.
    static func serverless(config: [String: Any], functionKey: String, location: Location) -> FunctionPermissions? {
        nil
    }
}
