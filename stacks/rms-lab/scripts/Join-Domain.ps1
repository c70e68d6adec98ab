<#
.SYNOPSIS
    Joins this server to the lab's domain once the domain controller answers (it is promoted
    and restarted in steps before this one; the retry loop covers its start-up). The
    deployment restarts the server afterwards.
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $DomainControllerIp,
    [Parameter(Mandatory = $true)] [string] $JoinUser,
    # Protected parameter.
    [Parameter(Mandatory = $true)] [string] $JoinPassword
)
# @include common.ps1

Invoke-LabStep "join-domain" {
    $system = Get-CimInstance Win32_ComputerSystem
    if ($system.PartOfDomain -and $system.Domain -eq $DomainName) { Write-LabLog "already a member of $DomainName"; return }
    if (Test-LabMarker "joined") { Write-LabLog "already joined; waiting for the restart"; return }
    Wait-LabCondition "the domain controller $DomainControllerIp answers for $DomainName (DNS and LDAP)" {
        (Resolve-DnsName -Name "_ldap._tcp.dc._msdcs.$DomainName" -Type SRV -Server $DomainControllerIp -DnsOnly -ErrorAction Stop) -and
        (Test-NetConnection -ComputerName $DomainControllerIp -Port 389 -InformationLevel Quiet -WarningAction SilentlyContinue)
    } 60
    $credential = New-LabCredential "$JoinUser@$DomainName" $JoinPassword
    Wait-LabCondition "joined $DomainName" { Add-Computer -DomainName $DomainName -Credential $credential -Force -ErrorAction Stop; $true } 15
    Set-LabMarker "joined"
    Write-LabLog "joined $DomainName; the deployment restarts the server next"
}
